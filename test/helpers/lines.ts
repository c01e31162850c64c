// Log text → the numbered lines the ingest layer would deliver, for parser tests that do not
// need the byte-level reader (encodings and stream edges are tested in test/ingest/).
import type { SourceLine } from '../../src/parsers/entries.js';

/** Splits text on CRLF or LF into 1-based numbered lines; a final line ending adds no empty line. */
export function splitLines(text: string): SourceLine[] {
  const parts = text.split(/\r?\n/);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((line, i) => ({ number: i + 1, text: line }));
}

/**
 * The lines as the batches a parser reads. Batches of three, so an entry and its continuation
 * lines fall across batch boundaries as they do in a real file.
 */
export async function* streamOf(lines: readonly SourceLine[], batchSize = 3): AsyncGenerator<SourceLine[]> {
  for (let i = 0; i < lines.length; i += batchSize) yield lines.slice(i, i + batchSize);
}

/** A Monday in March 2026 (the day FORMATS.md's modeled lines are written on). */
export const DAY = 'Mon, 09 Mar 2026';

/**
 * Builds log text from [HH:MM:SS, message] pairs in FORMATS.md's line shape
 * ("Mon, 09 Mar 2026 10:02:11 message"); a bare string is written as it is (a wrapped
 * continuation line, junk). Lines end in CRLF, as on the devices.
 */
export function logText(entries: readonly (readonly [string, string] | string)[], day = DAY): string {
  return entries.map((e) => (typeof e === 'string' ? e : `${day} ${e[0]} ${e[1]}`)).join('\r\n') + '\r\n';
}
