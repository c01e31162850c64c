// The report's notes say what changed something the report shows, in an admin's words: the
// .stat files' UTC times are explained only where a line shown came from a .stat file.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

describe('the .stat times note', () => {
  it('is left out where no line the report shows came from a .stat file', async () => {
    const report = await diagnose({ paths: [`${SAMPLES}LAB-0101`] });
    const [device] = report.devices;
    expect(device?.files.some((f) => f.kind === 'task-status')).toBe(true);
    const shown = [...(device?.findings.flatMap((f) => f.evidence) ?? []), ...(device?.context ?? [])];
    expect(shown.some((e) => e.file.endsWith('.stat'))).toBe(false);
    expect(device?.notes.some((n) => n.includes('.stat'))).toBe(false);
  });

  it('is said, in plain words, where the lines around the failure come from a .stat file', async () => {
    const report = await diagnose({ paths: [`${SAMPLES}LAB-0110`] });
    const [device] = report.devices;
    expect(device?.context.some((e) => e.file.endsWith('.stat'))).toBe(true);
    const note = device?.notes.find((n) => n.includes('.stat'));
    expect(note).toMatch(/^The task status files \(\.stat\) record their times in UTC; they were converted using the device's offset from UTC, [-+][\d.]+ h, which task \d+'s own log lines show\.$/);
  });
});

describe('lines around the failure', () => {
  it('never shows a scheduler listing\'s far-future start as if it happened after the failure', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const tmp = (await import('tmp')).default;
    const { schedulerTasksText } = await import('../helpers/bundle.js');
    const root = tmp.dirSync({ unsafeCleanup: true });
    try {
      const device = path.join(root.name, 'DEV-3000');
      mkdirSync(path.join(device, 'ldprovisioning'), { recursive: true });
      writeFileSync(path.join(device, 'ldprovisioning', 'ldprovisioning.log'), [
        'Mon, 09 Mar 2026 10:00:00 Template "Lab" started',
        'Mon, 09 Mar 2026 10:02:13 Action 7 of 12 "Office 2016" (Distribute software) failed',
        'Mon, 09 Mar 2026 10:02:14 Template "Lab" stopped: action 7 failed',
      ].join('\r\n'));
      writeFileSync(path.join(device, 'LocalSchedulerTasks.log'), schedulerTasksText('01 Jan 3000 00:00:00'));
      const [report] = (await diagnose({ paths: [device] })).devices;
      expect(report?.verdict).toBe('unexplained-failure');
      expect(report?.context.length).toBeGreaterThan(1);
      expect(report?.context.some((line) => line.time.startsWith('3000'))).toBe(false);
      expect(report?.context.map((line) => line.text)).toContain('Template "Lab" stopped: action 7 failed');
    } finally {
      root.removeCallback();
    }
  });
});
