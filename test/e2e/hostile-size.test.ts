// Inputs whose size or spread once killed a whole run (the hardening issue's crashes). Built in
// a temporary folder by the test; the assertions are that the run completes, every format
// renders, and the page stays small: not timings (the benchmark measures those).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { diagnose } from '../../src/run.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

function bundle(name: string, file: string, text: string): string {
  const dir = path.join(root.name, name);
  mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  return dir;
}

describe('sizes and spreads that once ended the run', () => {
  it('an sdclient.log whose 20,000 times jump at random between 1971 and 9999 renders as a small page', async () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const year = 1971 + Math.floor(next() * 8028);
      lines.push(`Mon, ${String(1 + Math.floor(next() * 28)).padStart(2, '0')} ${MONTHS[Math.floor(next() * 12)] ?? 'Jan'} ${year} 10:02:${String(i % 60).padStart(2, '0')} line ${i}`);
    }
    const report = await diagnose({ paths: [bundle('LAB-TIMES', 'ProgramData/LANDesk/Log/sdclient.log', `${lines.join('\r\n')}\r\n`)] });
    const html = renderers.html.render(report, { color: false, width: 100 });
    // Was 420 MB of ticks (one a day across 8,000 years) and 4.4 GB of memory.
    expect(html.length).toBeLessThan(5 * 1024 * 1024);
    expect(report.devices[0]?.files[0]).toMatchObject({ lines: 20_000 });
  }, 60_000);

  it('a localsch.log of 150,000 "Launching task 3" lines renders in every format (no spread of an unbounded array into a call)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i += 1) {
      const t = new Date(Date.UTC(2026, 2, 9, 8) + i * 1000).toISOString().slice(11, 19);
      lines.push(`Mon, 09 Mar 2026 ${t} Launching task 3: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /Scan`);
    }
    const report = await diagnose({ paths: [bundle('LAB-LAUNCH', 'ProgramData/LANDesk/Log/localsch.log', `${lines.join('\r\n')}\r\n`)] });
    for (const [name, renderer] of Object.entries(renderers)) expect(renderer.render(report, { color: false, width: 100 }).length, name).toBeGreaterThan(0);
    expect(renderers.html.render(report, { color: false, width: 100 })).toContain('more not drawn');
  }, 60_000);
});

describe('what the first red-team pass found handled well, kept as regressions', () => {
  it('a .stat with a billion-laughs DOCTYPE and an external entity (XXE) is read as text: nothing expanded, nothing fetched', async () => {
    const laughs = ['<!DOCTYPE TaskStatus [', '<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`), '<!ENTITY xxe SYSTEM "file:///etc/passwd">', ']>'];
    const xml = ['<?xml version="1.0"?>', ...laughs, '<TaskStatus><TaskIdn>1054</TaskIdn><Status>&lol9;&xxe;</Status><ReturnCode>0</ReturnCode><LastRunTime>1773050532</LastRunTime></TaskStatus>'].join('\r\n');
    const report = await diagnose({ paths: [bundle('LAB-XML', 'ProgramData/LANDesk/Policies/CP.1054.RunNow.stat', xml)] });
    const file = report.devices[0]?.files[0];
    expect(file).toMatchObject({ kind: 'task-status', lines: laughs.length + 2 });
    expect(JSON.stringify(report)).not.toContain('root:');
    expect(JSON.stringify(report).length).toBeLessThan(200_000);
  });

  it.skipIf(process.platform === 'win32')('a FIFO named like a log is listed as skipped, never opened (it would block forever)', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = bundle('LAB-FIFO', 'ProgramData/LANDesk/Log/vulscan.log', 'Mon, 09 Mar 2026 09:58:40 Vulscan.exe version 11.0.5.361 starting\r\n');
    execFileSync('mkfifo', [path.join(dir, 'ProgramData', 'LANDesk', 'Log', 'sdclient.log')]);
    const report = await diagnose({ paths: [dir] });
    expect(report.devices[0]?.skipped).toContainEqual({ path: 'LAB-FIFO/ProgramData/LANDesk/Log/sdclient.log', reason: 'not a regular file' });
  });
});
