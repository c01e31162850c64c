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

/** A cell's lines and the columns each takes, measured once. */
interface Cell {
  lines: readonly string[];
  widths: number[];
}

/** A cell: text (a "\n" starts a line of its own), or its lines already cut. */
export type CellText = string | readonly string[];

function cellOf(text: CellText): Cell {
  if (typeof text !== 'string') return { lines: text, widths: text.map(displayWidth) };
  if (!text.includes('\n')) return { lines: [text], widths: [displayWidth(text)] };
  const lines = text.split('\n');
  return { lines, widths: lines.map(displayWidth) };
}

/** The table as lines joined with "\n" (no final newline). */
export function drawTable(head: readonly string[], rows: readonly (readonly CellText[])[], options: TableOptions = {}): string {
  return tableLines(head, rows, options).join('\n');
}

/** The table's lines, each after `indent` (a prefix such as four blanks). */
export function tableLines(head: readonly string[], rows: readonly (readonly CellText[])[], options: TableOptions = {}, indent = ''): string[] {
  const columns = head.length;
  const right = head.map((_, c) => (options.alignRight ?? []).includes(c));
  const toCells = (row: readonly CellText[]): Cell[] => head.map((_, c) => cellOf(row[c] ?? ''));
  const headCells = toCells(head);
  const bodyCells = rows.map(toCells);
  const widths = new Array<number>(columns).fill(0);
  const measure = (cells: readonly Cell[]): void => {
    for (let c = 0; c < columns; c++) for (const w of cells[c]?.widths ?? []) if (w > (widths[c] ?? 0)) widths[c] = w;
  };
  measure(headCells);
  for (const row of bodyCells) measure(row);
  const border = (left: string, middle: string, end: string): string => indent + left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + end;
  const out: string[] = [border('┌', '┬', '┐')];
  const drawRow = (cells: readonly Cell[], heading: boolean): void => {
    let height = 1;
    for (const cell of cells) if (cell.lines.length > height) height = cell.lines.length;
    for (let l = 0; l < height; l++) {
      let line = `${indent}│ `;
      for (let c = 0; c < columns; c++) {
        const cell = cells[c];
        const text = cell?.lines[l] ?? '';
        const room = ' '.repeat(Math.max(0, (widths[c] ?? 0) - (cell?.widths[l] ?? 0)));
        // A heading is painted on its text, not on its padding, as cli-table3 did.
        const shown = heading && options.paint && text !== '' ? options.paint(text) : text;
        line += (right[c] ? room + shown : shown + room) + (c === columns - 1 ? ' │' : ' │ ');
      }
      out.push(line);
    }
  };
  drawRow(headCells, true);
  const between = border('├', '┼', '┤');
  bodyCells.forEach((row, index) => {
    if (index === 0 || !options.compact) out.push(between);
    drawRow(row, false);
  });
  out.push(border('└', '┴', '┘'));
  return out;
}
