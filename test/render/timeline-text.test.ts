// The `timeline` command's terminal view, on real samples: every entry, the line accounting,
// and no control character from a log reaching the terminal.
import { describe, expect, it } from 'vitest';
import { renderTimelineJson, renderTimelineText } from '../../src/render/timeline-text.js';
import { timelines } from '../../src/run.js';

describe('renderTimelineText', () => {
  it('shows the hostile sample\'s escape sequences as text, never as control characters', async () => {
    const report = await timelines({ paths: ['samples/LAB-0111'] });
    const text = renderTimelineText(report);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('\\x1b[31m');
    expect(text).toContain('<script>alert(1)</script>');
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
});
