// The version in package.json, one place to change it: for --version and the cache key.
// package.json is one folder above this module in src/ and dist/, two above it in dist/bundle/
// (a chunk of the bundled CLI): the nearest one of this package is taken.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const json: unknown = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
      if (typeof json === 'object' && json !== null && 'name' in json && json.name === 'ldforensics' && 'version' in json && typeof json.version === 'string') return json.version;
    } catch {
      // not there: the next one up
    }
  }
  return '0.0.0';
}
