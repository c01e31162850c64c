// Box-drawn tables for the terminal, in the shape cli-table3 drew them:
//   ┌──────────┬───────┐
//   │ Time     │ Text  │
//   ├──────────┼───────┤
//   │ 09:40:31 │ …     │
//   └──────────┴───────┘
// drawn here from cells the renderer has already escaped and wrapped. cli-table3 measured
// every cell again through strip-ansi, whose ansi-regex builds a new RegExp on each call:
// rendering 1,000 devices as text took 27 s against 1.7 s for json, 80 % of it there
// (`node --cpu-prof`). Cells must hold no escape sequences (escapeTerminal makes them
// visible); a heading may be painted, through `paint`, after it is measured.

export interface TableOptions {
  /** Columns aligned right (numbers). */
  alignRight?: readonly number[];
  /** No rule between body rows (only under the heading). */
  compact?: boolean;
  /** Decorates a heading cell (bold), after its width is measured. */
  paint?: (text: string) => string;
}

/** Columns a character takes on a terminal: 2 for East Asian wide and emoji, 0 for combining marks. */
function charWidth(code: number): number {
  if (code < 0x300) return 1;
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  if (
    (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3)
    || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
    || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1f64f) || (code >= 0x1f900 && code <= 0x1f9ff)
    || (code >= 0x20000 && code <= 0x3fffd)
  ) return 2;
  return 1;
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** The columns a line of text takes on a terminal. */
export function displayWidth(text: string): number {
  // Most cells are printable ASCII: one column a character, tested natively.
  if (!NOT_PRINTABLE_ASCII.test(text)) return text.length;
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) ?? 0;
    if (code > 0xffff) i++;
    width += charWidth(code);
  }
  return width;
}

/** A cell: text (a "\n" starts a line of its own), or its lines already cut. */
export type CellText = string | readonly string[];

function linesOf(text: CellText): readonly string[] {
  if (typeof text !== 'string') return text;
  return text.includes('\n') ? text.split('\n') : [text];
}

/** Blanks and rules of each length, made once: a table pads every cell of every line. */
const runs = new Map<string, string[]>();

function runOf(ch: string, length: number): string {
  let byLength = runs.get(ch);
  if (byLength === undefined) {
    byLength = [];
    runs.set(ch, byLength);
  }
  let run = byLength[length];
  if (run === undefined) {
    run = ch.repeat(length);
    if (length < 512) byLength[length] = run;
  }
  return run;
}

/** The table as lines joined with "\n" (no final newline). */
export function drawTable(head: readonly string[], rows: readonly (readonly CellText[])[], options: TableOptions = {}): string {
  return tableLines(head, rows, options).join('\n');
}

/**
 * The table's lines, each after `indent` (a prefix such as four blanks). Cells are read as
 * lines once and each line measured once, into flat arrays: a fleet's text report draws a
 * table per finding, and objects per cell were most of what it allocated.
 */
export function tableLines(head: readonly string[], rows: readonly (readonly CellText[])[], options: TableOptions = {}, indent = ''): string[] {
  const columns = head.length;
  const alignRight = options.alignRight ?? [];
  // Row r's cell c is cells[r * columns + c] (the heading is row 0), its lines' widths beside it.
  const cells: (readonly string[])[] = [];
  const cellWidths: number[][] = [];
  const widths = new Array<number>(columns).fill(0);
  for (let r = 0; r <= rows.length; r++) {
    const row = r === 0 ? head : rows[r - 1];
    for (let c = 0; c < columns; c++) {
      const lines = linesOf(row?.[c] ?? '');
      const measured: number[] = [];
      for (const line of lines) {
        const w = displayWidth(line);
        measured.push(w);
        if (w > (widths[c] ?? 0)) widths[c] = w;
      }
      cells.push(lines);
      cellWidths.push(measured);
    }
  }
  let top = `${indent}┌`;
  let between = `${indent}├`;
  let bottom = `${indent}└`;
  for (let c = 0; c < columns; c++) {
    const rule = runOf('─', (widths[c] ?? 0) + 2);
    const last = c === columns - 1;
    top += rule + (last ? '┐' : '┬');
    between += rule + (last ? '┤' : '┼');
    bottom += rule + (last ? '┘' : '┴');
  }
  const out: string[] = [top];
  for (let r = 0; r <= rows.length; r++) {
    if (r === 1 || (r > 1 && !options.compact)) out.push(between);
    const first = r * columns;
    let height = 1;
    for (let c = 0; c < columns; c++) {
      const size = cells[first + c]?.length ?? 0;
      if (size > height) height = size;
    }
    for (let l = 0; l < height; l++) {
      let line = `${indent}│ `;
      for (let c = 0; c < columns; c++) {
        const text = cells[first + c]?.[l] ?? '';
        const room = runOf(' ', Math.max(0, (widths[c] ?? 0) - (cellWidths[first + c]?.[l] ?? 0)));
        // A heading is painted on its text, not on its padding, as cli-table3 did.
        const shown = r === 0 && options.paint && text !== '' ? options.paint(text) : text;
        line += alignRight.includes(c) ? room + shown : shown + room;
        line += c === columns - 1 ? ' │' : ' │ ';
      }
      out.push(line);
    }
  }
  out.push(bottom);
  return out;
}
