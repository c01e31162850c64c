// luxon, loaded the first time a time zone or a date pattern is worked with. Most runs name no
// --tz and draw no swimlanes, and a static import made every thread (each worker and the main
// thread) load it at its start: 7 to 20 ms of it, in a run of one device a twentieth.
import { createRequire } from 'node:module';

type Luxon = typeof import('luxon');
let loaded: Luxon | null = null;

export function luxon(): Luxon {
  loaded ??= createRequire(import.meta.url)('luxon') as Luxon;
  return loaded;
}
