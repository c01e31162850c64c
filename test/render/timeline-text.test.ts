// The `timeline` command's terminal view, on real samples: every entry, the line accounting,
// and no control character from a log reaching the terminal.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { renderTimelineJson, renderTimelineText } from '../../src/render/timeline-text.js';
import { timelines } from '../../src/run.js';

describe('renderTimelineText', () => {
  it('shows the hostile sample\'s escape sequences as text, never as control characters', async () => {
    const report = await timelines({ paths: ['samples/LAB-0111'] });
    // Wide enough that the hostile message is not cut before its script tag.
    const text = renderTimelineText(report, { width: 240 });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\x1b[31m');
    expect(text).toContain('<script>alert(1)</script>');
  });

  it('fits the entries table to the width it is given, wrapping the text, never cutting it', async () => {
    const report = await timelines({ paths: ['samples/LAB-0101'] });
    // The entries table: from the top to its first bottom border (the files table follows it).
    const tableWidth = (text: string): number => {
      const lines = text.split('\n');
      const entries = lines.slice(0, lines.findIndex((l) => l.startsWith('└')));
      return Math.max(...entries.filter((l) => l.startsWith('│')).map((l) => [...l].length));
    };
    expect(tableWidth(renderTimelineText(report, { width: 100 }))).toBe(100);
    expect(tableWidth(renderTimelineText(report, { width: 140 }))).toBe(140);
    expect(tableWidth(renderTimelineText(report, { width: 80 }))).toBe(80);
    // Every word of every entry is there, however narrow: wrapped, never cut with an ellipsis.
    const narrow = renderTimelineText(report, { width: 80 });
    expect(narrow).not.toContain('…');
    const words = (text: string): string[] => text.split(/[\s│┌┐└┘├┤┬┴┼─]+/).filter((w) => w.length > 0);
    const narrowWords = new Set(words(narrow));
    for (const entry of report.devices[0]?.entries ?? []) for (const word of words(entry.text)) if (word.length < 20) expect(narrowWords.has(word), word).toBe(true);
  });

  it('without a width (a pipe, a file) prints each entry as one whole line: time, file:line, event, text', async () => {
    const report = await timelines({ paths: ['samples/LAB-0101'] });
    const text = renderTimelineText(report);
    const lines = text.split('\n');
    const entries = report.devices[0]?.entries ?? [];
    for (const entry of entries.filter((e) => !e.text.includes('\n'))) {
      const place = `${entry.file.split('/').pop() ?? ''}:${entry.line}`;
      expect(lines.some((l) => l.startsWith(`${entry.time.replace('T', ' ')}  ${place}  `) && l.endsWith(entry.text)), place).toBe(true);
    }
    expect(lines.filter((l) => l.startsWith('│'))).toEqual([]);
  });

  it('ends with the line accounting, which adds up', async () => {
    const report = await timelines({ paths: ['samples/LAB-0106'] });
    const text = renderTimelineText(report);
    const t = report.totals;
    expect(t.parsed + t.unparsed).toBe(t.lines);
    expect(text.trimEnd().split('\n').pop()).toBe(`1 device(s), ${t.files} file(s): ${t.lines} lines = ${t.parsed} parsed + ${t.unparsed} unparsed`);
    // The bad-input bundle's unparsed lines are listed with file, line and reason.
    expect(text).toContain('unparsed LAB-0106/ProgramData/LANDesk/Log/localsch.log:6: line of');
    expect(text).toContain('skipped LAB-0106/ProgramData/LANDesk/Log/notes.bin');
  });

  it('as JSON keeps every entry with its file and line', async () => {
    const report = await timelines({ paths: ['samples/LAB-0101'] });
    const parsed = JSON.parse(renderTimelineJson(report)) as typeof report;
    // Written a device at a time, it is still exactly the report as one JSON document.
    expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
    const two = await timelines({ paths: ['samples/LAB-0101', 'samples/LAB-0102'] });
    expect(JSON.parse(renderTimelineJson(two))).toEqual(JSON.parse(JSON.stringify(two)));
    expect(parsed.devices[0]?.entries.length).toBe(report.devices[0]?.entries.length);
    expect(parsed.devices[0]?.entries.every((e) => e.file.startsWith('LAB-0101/') && e.line > 0)).toBe(true);
  });

  it('draws a device whose timeline holds more entries than a call takes arguments (two files of 80,000 lines)', async () => {
    // Regression: the column widths were Math.max(...rows), which throws past about 120,000 rows.
    const root = tmp.dirSync({ unsafeCleanup: true });
    try {
      const logs = path.join(root.name, 'LAB-BIG', 'ProgramData', 'LANDesk', 'Log');
      mkdirSync(logs, { recursive: true });
      const lines = (what: string): string => Array.from({ length: 80_000 }, (_, i) => `Mon, 09 Mar 2026 ${String(8 + Math.floor(i / 3600) % 12).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} ${what} ${i}\r\n`).join('');
      writeFileSync(path.join(logs, 'sdclient.log'), lines('Downloading chunk'));
      writeFileSync(path.join(logs, 'vulscan.log'), lines('Checking definition'));
      const report = await timelines({ paths: [path.join(root.name, 'LAB-BIG')] });
      expect(report.devices[0]?.entries.length).toBeGreaterThan(150_000);
      const text = renderTimelineText(report);
      expect(text).toContain('Downloading chunk 79999');
      expect(text).toContain('Checking definition 79999');
    } finally {
      root.removeCallback();
    }
  }, 120_000);
});

