// Escapers, one per destination. Every string in a Report may come from a log file
// (device folder names, package names, log lines, file names), so every renderer passes
// every string through the escaper of its destination, never raw.
//
// The base of all of them is `escapeTerminal`: log text must never drive the reader's
// terminal (or viewer), so control characters are made VISIBLE rather than dropped:
// an admin reading evidence should see that a line carried `\x1b[31m`, not lose it.
// Replacing the ESC (and BEL, ST's ESC, the C1 CSI/OSC) by visible text turns any escape
// sequence (CSI, OSC ended by BEL or ST) into inert printable text, so no sequence parser
// is needed, and nothing of the evidence is lost.

/** C0, DEL, C1, line/paragraph separators and the bidi embeddings/overrides/isolates. */
const UNSAFE = /\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** UNSAFE without the g flag, for a test that keeps no lastIndex between calls. */
const UNSAFE_FOUND = new RegExp(UNSAFE.source);
/** The same, but keeping TAB, LF and CR (for CSV cells, where they are data and get quoted). */
const UNSAFE_KEEP_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  if (ch === '\n' || ch === '\r\n') return '⏎';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const code = ch.codePointAt(0) ?? 0;
  // Escapes, not the Unicode control pictures (␛): many fonts (Consolas, the fonts of a
  // minimal Linux) lack those, and a tofu box would hide which control it was.
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text safe to print on a terminal: one line, every control character visible
 * (`\n` → `⏎`, TAB → `\t`, CR → `\r`, ESC → `\x1b`, BEL → `\x07`, DEL → `\x7f`,
 * U+009B → `\x9b`, U+202E → `\u202e`).
 */
export function escapeTerminal(text: string): string {
  // Most text has nothing to escape: a test is cheaper than a replace that finds nothing.
  return UNSAFE_FOUND.test(text) ? text.replace(UNSAFE, visible) : text;
}

/**
 * Markdown inline text (headings, paragraphs, table cells outside code spans), for
 * CommonMark/GFM: backslash-escape what could start emphasis, code, links, HTML,
 * strikethrough or a table cell, plus entity-like `&…;` and line-start block markers.
 * A backslash before `|` is also the GFM table escape, so the text is cell-safe too.
 */
export function escapeMarkdown(text: string): string {
  return escapeTerminal(text)
    .replace(/[\\`*_[\]<>|~#]/g, '\\$&')
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&')
    .replace(/^([+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2')
    // Four leading spaces would open an indented code block; an entity space does not.
    .replace(/^ /, '&#32;');
}

/**
 * A GFM table cell holding `text` as a code span. The delimiter is one backtick longer
 * than the longest backtick run inside (CommonMark's rule), padded with a space when the
 * content starts or ends with a backtick or a space (the parser strips one space each side).
 * `|` is written `\|` even inside the code span: GFM splits cells before parsing inlines,
 * and removes the backslash again (cmark-gfm's unescape_pipes). A backslash already in
 * front of a `|` stays correct: cmark-gfm takes the pipe into the cell and drops only the
 * added backslash. Only valid inside a table cell (elsewhere the `\|` would show).
 */
export function markdownCodeCell(text: string): string {
  const safe = escapeTerminal(text);
  if (safe === '') return '';
  let longest = 0;
  for (const run of safe.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(safe) && !/^ +$/.test(safe) ? ' ' : '';
  return `${fence}${pad}${safe.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function htmlEntity(ch: string): string {
  switch (ch) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    default:
      return '&#39;';
  }
}

/** HTML text or attribute value (double- or single-quoted), also inside SVG `<title>`. */
export function escapeHtml(text: string): string {
  return escapeTerminal(text).replace(/[&<>"']/g, htmlEntity);
}

/**
 * One RFC 4180 CSV cell. Numbers stay numbers; null is an empty cell.
 * Text: controls other than TAB/CR/LF made visible; a cell starting (after any blanks) with `=`, `+`, `-`,
 * `@`, TAB or CR gets a leading `'` so spreadsheets read it as text, not a formula
 * (OWASP CSV injection); quoted when it holds `,` `"` CR or LF, with `"` doubled.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = value.replace(UNSAFE_KEEP_LAYOUT, visible);
  // Spreadsheets skip leading blanks before reading a formula: " =1+1" is one too.
  if (/^[ \u00a0]*[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * JSON text safe for line-based tools and terminals: JSON.stringify already escapes C0,
 * but not DEL, C1 (U+0085 is a line break to some tools), U+2028/U+2029 (line breaks to
 * JavaScript and others) or bidi controls. They can only occur inside strings, where
 * `\uXXXX` parses back to the same value.
 */
export function escapeJson(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Jira wiki markup text (headings, paragraphs, table cells): a backslash before each character
 * that could start formatting, a link, a macro or a cell (`* _ + ^ ~ ? - ! # | { } [ ]`); a
 * backslash itself as the entity `&#92;` (Jira reads `\\` as a line break, and no escape
 * gives a plain backslash before markup: pandoc's Jira writer does the same), `&` as `&amp;`,
 * and a line break as ⏎ (escapeTerminal), so a table row stays one line.
 */
export function escapeJira(text: string): string {
  // One pass: an escape's own backslash or entity is never escaped again.
  return escapeTerminal(text).replace(/[\\&*_+^~?\-!#|{}[\]]/g, (ch) => (ch === '\\' ? '&#92;' : ch === '&' ? '&amp;' : `\\${ch}`));
}

/**
 * A line inside a {noformat} block, shown as written: only the block's own end tag could change
 * it, so a "{noformat}" in a log line gets a zero-width space after its brace. Control characters
 * are made visible (escapeTerminal), as everywhere.
 */
export function jiraNoformat(text: string): string {
  return escapeTerminal(text).replace(/\{(noformat)/gi, '{\u200b$1');
}
