import { describe, expect, it } from 'vitest';
import { csvCell, escapeHtml, escapeJson, escapeMarkdown, escapeTerminal, markdownCodeCell } from '../../src/render/escape.js';

/** Any character a terminal could act on: C0 (with LF), DEL, C1, separators, bidi controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeTerminal', () => {
  it.each([
    ['plain text', 'Another task is already in progress', 'Another task is already in progress'],
    ['Windows paths keep their backslashes', 'C:\\Program Files (x86)\\LANDesk', 'C:\\Program Files (x86)\\LANDesk'],
    ['non-ASCII stays', 'Dienst gestartet – Überprüfung ok', 'Dienst gestartet – Überprüfung ok'],
    ['CSI colour', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['OSC title ended by BEL', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['OSC 8 link ended by ST', '\u001b]8;;http://x\u001b\\a\u001b]8;;\u001b\\', '\\x1b]8;;http://x\\x1b\\a\\x1b]8;;\\x1b\\'],
    ['clear screen', '\u001b[2J\u001b[H', '\\x1b[2J\\x1b[H'],
    ['LF', 'one\ntwo', 'one⏎two'],
    ['CRLF is one line end', 'one\r\ntwo', 'one⏎two'],
    ['lone CR (overwrites the line on a terminal)', 'shown\rhidden', 'shown\\rhidden'],
    ['TAB', 'a\tb', 'a\\tb'],
    ['NUL and backspace', 'a\u0000b\u0008c', 'a\\x00b\\x08c'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
    ['C1 NEL', 'a\u0085b', 'a\\x85b'],
    ['bidi override (Trojan Source)', 'a\u202eevil\u202cb', 'a\\u202eevil\\u202cb'],
    ['bidi isolates', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('%s', (_name, input, expected) => {
    const output = escapeTerminal(input);
    expect(output).toBe(expected);
    expect(output).not.toMatch(CONTROL);
  });

  it('is idempotent', () => {
    const once = escapeTerminal('\u001b[31m\n\u202e');
    expect(escapeTerminal(once)).toBe(once);
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['plain text', 'Adobe Reader DC', 'Adobe Reader DC'],
    ['emphasis and code', '*a* _b_ `c`', '\\*a\\* \\_b\\_ \\`c\\`'],
    ['links and images', '![x](http://e) [y]', '!\\[x\\](http://e) \\[y\\]'],
    ['HTML', '<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['table pipes', 'a | b', 'a \\| b'],
    ['backslashes', 'C:\\Temp\\MSI*.LOG', 'C:\\\\Temp\\\\MSI\\*.LOG'],
    ['backslash before a pipe', 'a\\|b', 'a\\\\\\|b'],
    ['headings', '# title', '\\# title'],
    ['strikethrough', '~~x~~', '\\~\\~x\\~\\~'],
    ['entities (a \\# breaks a numeric one anyway)', 'AT&amp;T &#60; & plain', 'AT\\&amp;T &\\#60; & plain'],
    ['list marker at the start', '- item', '\\- item'],
    ['ordered list marker at the start', '1. item', '1\\. item'],
    ['setext underline at the start', '=== x', '\\=== x'],
    ['a minus inside is left alone', 'code -1916', 'code -1916'],
    ['leading spaces (indented code)', '    code', '&#32;   code'],
    ['controls become visible text', 'a\u001b[31m\nb', 'a\\\\x1b\\[31m⏎b'],
  ])('%s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe('markdownCodeCell', () => {
  it.each([
    ['plain', 'Scanning for vulnerabilities', '`Scanning for vulnerabilities`'],
    ['empty', '', ''],
    ['pipe, escaped even in a code span (GFM splits cells first)', 'a|b', '`a\\|b`'],
    ['one backtick inside', 'a`b', '``a`b``'],
    ['a run of two inside', 'a``b`c', '```a``b`c```'],
    ['starts with a backtick: padded', '`a`', '`` `a` ``'],
    ['space at both ends: padded, so both survive', ' a ', '`  a  `'],
    ['only spaces: not stripped, not padded', '  ', '`  `'],
    ['HTML stays literal', '<img src=x>', '`<img src=x>`'],
    ['backslash before a pipe', 'C:\\x\\|y', '`C:\\x\\\\|y`'],
    ['newline', 'a\nb', '`a⏎b`'],
    ['ESC', '\u001b[31m', '`\\x1b[31m`'],
  ])('%s', (_name, input, expected) => {
    expect(markdownCodeCell(input)).toBe(expected);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['plain', 'Adobe Reader DC', 'Adobe Reader DC'],
    ['script', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['attribute breakout', '"><img src=x onerror=alert(1)>', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'],
    ['single quotes and ampersands', "it's & <b>", 'it&#39;s &amp; &lt;b&gt;'],
    ['an entity is shown, not decoded', '&lt;', '&amp;lt;'],
    ['closing an SVG title', '</title><script>', '&lt;/title&gt;&lt;script&gt;'],
    ['controls', 'a\u001b]0;x\u0007\nb\u202e', 'a\\x1b]0;x\\x07⏎b\\u202e'],
  ])('%s', (_name, input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('csvCell', () => {
  it.each<[string, string | number | null, string]>([
    ['plain', 'Adobe Reader DC', 'Adobe Reader DC'],
    ['null is empty', null, ''],
    ['numbers stay numbers, even negative', -1916, '-1916'],
    ['comma: quoted', 'a,b', '"a,b"'],
    ['quotes: doubled and quoted', 'say "hi"', '"say ""hi"""'],
    ['LF kept, quoted', 'a\nb', '"a\nb"'],
    ['CRLF kept, quoted', 'a\r\nb', '"a\r\nb"'],
    ['= formula', '=1+1', "'=1+1"],
    ['HYPERLINK formula, guarded and quoted', '=HYPERLINK("http://evil.example","x")', '"\'=HYPERLINK(""http://evil.example"",""x"")"'],
    ['+ DDE', "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ['- formula', '-2+3', "'-2+3"],
    ['@ formula', '@SUM(1)', "'@SUM(1)"],
    ['TAB first', '\t=1', "'\t=1"],
    ['CR first', '\r=1', '"\'\r=1"'],
    ['= later is harmless', 'a=b', 'a=b'],
    // Spreadsheets skip leading blanks before a formula.
    ['blanks then =', '  =1+1', "'  =1+1"],
    ['blanks then @', ' @SUM(1)', "' @SUM(1)"],
    ['NBSP then -', '\u00a0-2+3', "'\u00a0-2+3"],
    ['ESC made visible, TAB inside kept', 'a\u001b[31m\tb', 'a\\x1b[31m\tb'],
  ])('%s', (_name, input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });
});

describe('escapeJson', () => {
  it.each([
    ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'],
    ['NEL', 'a\u0085b'],
    ['C1 CSI', '\u009b31m'],
    ['DEL', '\u007f'],
    ['bidi override', '\u202eevil'],
  ])('writes %s as \\uXXXX and parses back to the same value', (_name, input) => {
    const json = escapeJson(JSON.stringify({ text: input }));
    expect(json).not.toMatch(CONTROL);
    expect(JSON.parse(json)).toEqual({ text: input });
  });

  it('leaves other text alone', () => {
    const json = JSON.stringify({ text: 'Überprüfung – ok "x" \\ \n' });
    expect(escapeJson(json)).toBe(json);
  });
});
