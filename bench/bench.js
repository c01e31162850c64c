// Parsing throughput and memory, after split2's bench.js. Run with `npm run bench` (it builds
// first: this script imports the built code from ../dist). Nothing here is asserted; the numbers
// are printed for a reader to compare across changes.
//
// It writes, in a temporary folder, a fleet of synthetic device bundles and two devices that
// each hold one big sdclient.log (20 MB and 200 MB by default), all in FORMATS.md's line shapes:
//   Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting (version 11.0.5.361) ----------
//   Mon, 09 Mar 2026 10:02:12 processing of package is complete, result -1916 (0x8DB50084)
// Each measurement runs in its own child process, so its peak RSS is its own:
//   lines   the ingest layer alone (readLines: decode, cut, split): should not grow with file size
//   entries lines grouped into timestamped entries (readEntries), nothing kept: same
//   parse    the file's parser, which keeps every event it makes
//   device   loadDevice: every file of the bundle parsed, then the timeline built
//
// Options: --devices=N (200), --big-mb=A,B (20,200), --keep (leave the files, print where).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync, writeSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const DIST = path.resolve(path.dirname(SELF), '..', 'dist');

// ---------------------------------------------------------------- synthetic logs

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

/** "Mon, 09 Mar 2026 10:02:11" for a wall time in ms. */
function stamp(ms) {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "09 Mar 2026 10:02:11", the scheduler's shape. */
function schedulerStamp(ms) {
  return stamp(ms).slice(5);
}

const PACKAGES = ['7-Zip 23.01', 'Adobe Reader DC', 'Office 2016 ProPlus', 'Java Runtime 8u401', 'VLC media player 3.0.20', 'Slack 4.36', 'SAP GUI 7.70', 'Cisco AnyConnect 4.10'];
const VULSCAN_EXE = '"C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan';
const POLICYSYNC_EXE = '"C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe"';

/** One sdclient run (about 25 lines): banner to exit line. Returns the lines and the time after it. */
function sdclientRun(t, taskId, pkg, refused) {
  const lines = [];
  const at = (seconds, text) => { t += seconds * 1000; lines.push(`${stamp(t)} ${text}`); };
  at(0, '---------- SDClient starting (version 11.0.5.361) ----------');
  at(0, `Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${taskId}.RunNow.xml" /taskid=${taskId}`);
  at(0, `Package: "${pkg}"`);
  at(1, 'Info: Core did not find file');
  lines.push('RebootBehavior_Apply.zip');
  at(0, 'Self update: files are up to date.');
  at(1, 'Check last error after load library.  Error: 126');
  if (refused) {
    at(1, 'Another task is already in progress: vulscan.exe (pid 4412) is running');
    at(0, 'processing of package is complete, result -1916 (0x8DB50084)');
    at(0, `Sending task status, cmd line: -taskid=${taskId} -retcode=-1916 -complete`);
    at(0, 'SDClient exiting, return code -1916');
    return { lines, t };
  }
  at(1, 'Task status: Downloading');
  at(0, `Downloading file http://ldcore01.lab.example/packages/${encodeURIComponent(pkg)}/setup.msi`);
  for (let i = 1; i <= 6; i += 1) at(3, `sdmcache: received ${i * 8123456} of 48740736 bytes of setup.msi`);
  at(1, 'Hash check: setup.msi expected MD5 66DBF7D1E29307D7553B0A49767019C5, computed 66DBF7D1E29307D7553B0A49767019C5: OK');
  at(0, 'Task status: Installing');
  at(0, 'Executing: msiexec.exe /i "setup.msi" ALLUSERS=1 /qn');
  for (let i = 0; i < 4; i += 1) at(30, 'Waiting for installer to finish (pid 5120)');
  at(2, 'Reboot behavior: no reboot required (RebootBehavior=NoReboot)');
  at(0, 'processing of package is complete, result 0 (0x00000000)');
  at(0, `Sending task status, cmd line: -taskid=${taskId} -retcode=0 -complete`);
  at(1, 'SDClient exiting, return code 0');
  return { lines, t };
}

/** The files of one small device (a provisioning template of 8 distributions, the last refused). */
export function smallDevice(index) {
  const base = Date.UTC(2026, 1, 2 + (index % 25), 9, 30, 0);
  const files = {};
  const sd = [];
  const prov = [`${stamp(base)} Template "Win10 Lab build" started`];
  let t = base + 60_000;
  prov.push(`${stamp(t)} Action 5 of 13 "Install LANDesk agent" (Install service) completed, return code 0`);
  const tasks = [];
  for (let a = 0; a < 8; a += 1) {
    const taskId = 1000 + index * 10 + a;
    tasks.push(taskId);
    const pkg = PACKAGES[(index + a) % PACKAGES.length];
    const refused = a === 7;
    const run = sdclientRun(t + 5_000, taskId, pkg, refused);
    sd.push(...run.lines);
    t = run.t;
    prov.push(`${stamp(t + 1_000)} Action ${6 + a} of 13 "${pkg}" (Distribute software) ${refused ? 'failed, return code -1916' : 'completed, return code 0'}`);
  }
  prov.push(`${stamp(t + 1_000)} Template "Win10 Lab build" stopped: action 13 failed`);
  files['ProgramData/LANDesk/Log/sdclient.log'] = sd;
  files['ldprovisioning/ldprovisioning.log'] = prov;
  const launch = t - 200_000;
  files['ProgramData/LANDesk/Log/localsch.log'] = [
    `${stamp(base + 50_000)} Local scheduler service starting (version 11.0.5.361)`,
    `${stamp(base + 51_000)} Added task 3: ${VULSCAN_EXE} /start="${schedulerStamp(base + 51_000)}" /freq=86400 /autodelay="0|60"`,
    `${stamp(base + 51_000)} Added task 4: ${POLICYSYNC_EXE} /start="${schedulerStamp(base + 51_000)}" /freq=86400 /autodelay="0|60"`,
    `${stamp(launch)} Launching task 3: ${VULSCAN_EXE}`,
    `${stamp(launch)} Task 3 started, pid 4412`,
  ];
  const vul = [
    `${stamp(launch)} Vulscan.exe version 11.0.5.361 starting`,
    `${stamp(launch)} Command line: /AgentBehavior=ERSC_Default /Scan`,
    `${stamp(launch + 1_000)} Another task is running (sdclient.exe, pid 5120); waiting for it to finish`,
    `${stamp(t - 20_000)} Wait finished; no other task is running`,
    `${stamp(t - 19_000)} Scanning for vulnerabilities`,
  ];
  for (let i = 1; i <= 30; i += 1) vul.push(`${stamp(t + i * 20_000)} Scanned ${i * 50} of 1642 definitions`);
  vul.push(`${stamp(t + 700_000)} Vulscan finished, return code 0`);
  files['ProgramData/LANDesk/Log/vulscan.log'] = vul;
  files['ProgramData/LANDesk/Log/PolicySync.exe.log'] = [
    `${stamp(t + 800_000)} Run PolicySync`,
    `${stamp(t + 801_000)} PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.`,
    `${stamp(t + 809_000)} Exit PolicySync`,
  ];
  files['LocalSchedulerTasks.log'] = [
    'Task ID: 3', `  Command: ${VULSCAN_EXE}`, `  Start: ${schedulerStamp(base + 51_000)}`, '  Frequency: 86400', '  Random delay: 3600', '',
    'Task ID: 4', `  Command: ${POLICYSYNC_EXE}`, '  Start: 01 Jan 3000 00:00:00', '  Frequency: 86400', '  Random delay: 3600',
  ];
  const last = tasks[tasks.length - 1];
  files[`ProgramData/LANDesk/Policies/CP.${last}.RunNow.stat`] = [
    '<?xml version="1.0" encoding="utf-8"?>', '<TaskStatus>', `  <TaskIdn>${last}</TaskIdn>`, '  <Status>5</Status>',
    '  <ReturnCode>-1916</ReturnCode>', `  <LastRunTime>${Math.floor((t + 5 * 3_600_000) / 1000)}</LastRunTime>`, '</TaskStatus>',
  ];
  return files;
}

export function writeDevice(root, files) {
  for (const [relative, lines] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  }
}

/** A device whose sdclient.log holds sdclient runs back to back until it is `bytes` long. */
export function writeBigDevice(root, bytes) {
  const file = path.join(root, 'ProgramData/LANDesk/Log/sdclient.log');
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  let written = 0;
  let t = Date.UTC(2026, 0, 5, 8, 0, 0);
  let run = 0;
  let chunk = [];
  let chunkBytes = 0;
  while (written + chunkBytes < bytes) {
    const r = sdclientRun(t, 5000 + (run % 4000), PACKAGES[run % PACKAGES.length], run % 50 === 49);
    t = r.t + 60_000;
    run += 1;
    for (const line of r.lines) {
      chunk.push(line);
      chunkBytes += line.length + 2;
    }
    if (chunkBytes > 1 << 20) {
      written += writeSync(fd, `${chunk.join('\r\n')}\r\n`);
      chunk = [];
      chunkBytes = 0;
    }
  }
  if (chunk.length > 0) written += writeSync(fd, `${chunk.join('\r\n')}\r\n`);
  closeSync(fd);
  return { file, bytes: written };
}

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

// ---------------------------------------------------------------- one measurement (child process)

async function measure(mode, target) {
  const dist = (p) => import(pathToFileURL(path.join(DIST, p)).href);
  const { readLines } = await dist('ingest/lines.js');
  const { logKindFromFileName } = await dist('ingest/names.js');
  const { parsers } = await dist('parsers/index.js');
  const { patternSet } = await dist('parsers/patterns.js');
  const { newStats, readEntries } = await dist('parsers/entries.js');
  const { findBundles } = await dist('ingest/bundles.js');
  const { loadDevice } = await dist('device.js');
  const patterns = patternSet();

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 10);
  const started = performance.now();
  let lines = 0;
  let bytes = 0;
  let events = 0;
  let devices = 0;

  if (mode === 'diagnose') {
    // The whole job, as the CLI does it: read, timeline, rules, report.
    const { diagnose } = await dist('run.js');
    const report = await diagnose({ paths: [target] });
    for (const d of report.devices) for (const f of d.files) lines += f.lines;
    devices = report.devices.length;
    for (const file of filesUnder(target)) bytes += statSync(file).size;
  } else if (mode === 'device') {
    for await (const bundle of findBundles([target])) {
      const loaded = await loadDevice(bundle, { patterns });
      await bundle.close();
      devices += 1;
      for (const f of loaded.files) lines += f.lines;
      events += loaded.timeline.events.length;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    for (const file of filesUnder(target)) bytes += statSync(file).size;
  } else {
    for (const file of filesUnder(target)) {
      const kind = logKindFromFileName(path.basename(file));
      if (!kind) continue;
      bytes += statSync(file).size;
      const reader = readLines(createReadStream(file));
      if (mode === 'lines') {
        for await (const line of reader.lines) if (line.number > 0) lines += 1;
      } else if (mode === 'entries') {
        const stats = newStats();
        for await (const entry of readEntries(reader.lines, file, kind, stats)) if (entry.line > 0) events += 1;
        lines += stats.lines;
      } else {
        const result = await parsers[kind].parse(reader.lines, { file, fileName: path.basename(file), patterns });
        lines += result.stats.lines;
        events += result.events.length;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { mode, seconds, lines, bytes, events, devices, peakRss, maxRss: process.resourceUsage().maxRSS * 1024 };
}

/**
 * One device whose sdclient.log holds `runs` short runs (a result line each, every seventh a
 * 1603), one vulscan run every ten, and the provisioning log's action per run: the shape that
 * made the timeline and the rules quadratic. Doubling `runs` must about double the time.
 */
export function writeManyRunsDevice(dir, runs) {
  let t = Date.UTC(2026, 2, 9, 8);
  const sd = []; const vs = []; const ls = []; const pv = [];
  for (let i = 0; i < runs; i += 1) {
    const failed = i % 7 === 0;
    sd.push(`${stamp(t)} ---------- SDClient starting (version 11.0.5.361) ----------`, `${stamp(t)} Package: "P${i}"`,
      `${stamp(t + 1000)} processing of package is complete, result ${failed ? 1603 : 0} (0x00000000)`, `${stamp(t + 2000)} SDClient exiting, return code 0`);
    if (i % 10 === 0) {
      vs.push(`${stamp(t + 500)} Vulscan.exe version 11.0.5.361 starting`, `${stamp(t + 2500)} Vulscan finished, return code 0`);
      ls.push(`${stamp(t + 400)} Launching task 3: ${VULSCAN_EXE}`);
    }
    pv.push(`${stamp(t + 2100)} Action ${i} of ${runs} "P${i}" (Distribute software) ${failed ? 'failed' : 'completed'}, return code ${failed ? 1603 : 0}`);
    t += 3000;
  }
  writeDevice(dir, {
    'ProgramData/LANDesk/Log/sdclient.log': sd,
    'ProgramData/LANDesk/Log/vulscan.log': vs,
    'ProgramData/LANDesk/Log/localsch.log': ls,
    'ldprovisioning/ldprovisioning.log': pv,
  });
}

/** The peer: `wc -l` over the same files, timed as a whole process. */
function wcSeconds(target) {
  const started = performance.now();
  spawnSync('sh', ['-c', `find "${target}" -type f -exec cat {} + | wc -l`], { encoding: 'utf8' });
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------- the table (parent process)

function runChild(mode, target) {
  const child = spawnSync(process.execPath, [SELF, '--child', mode, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    throw new Error(`measuring ${mode} on ${target} failed (exit ${child.status}):\n${child.stderr}`);
  }
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last);
}

const mb = (n) => (n / 1e6).toFixed(1);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function option(name, fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function main() {
  if (process.argv[2] === '--child') {
    const result = await measure(process.argv[3], process.argv[4]);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const devices = Number(option('devices', '200'));
  const bigSizes = option('big-mb', '20,200').split(',').map(Number);
  const keep = process.argv.includes('--keep');
  const root = mkdtempSync(path.join(os.tmpdir(), 'ldforensics-bench-'));
  try {
    const generating = performance.now();
    const fleet = path.join(root, 'fleet');
    for (let i = 0; i < devices; i += 1) writeDevice(path.join(fleet, `LAB-${String(i + 1).padStart(4, '0')}`), smallDevice(i));
    const fleetFiles = filesUnder(fleet);
    const fleetBytes = fleetFiles.reduce((sum, f) => sum + statSync(f).size, 0);
    const bigs = bigSizes.map((size) => {
      const dir = path.join(root, `BIG-${size}MB`);
      writeBigDevice(dir, size * 1e6);
      return { size, dir };
    });
    console.log(`ldforensics bench: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.arch()}`);
    console.log(`fixtures: ${devices} devices (${fleetFiles.length} files, ${mb(fleetBytes)} MB) and ${bigs.map((b) => `one ${b.size} MB sdclient.log`).join(', ')}; written in ${((performance.now() - generating) / 1000).toFixed(1)} s${keep ? ` to ${root}` : ''}`);
    console.log('');

    const rows = [];
    const measureRow = (label, mode, target) => {
      const r = runChild(mode, target);
      rows.push([
        label, mode, mb(r.bytes), fmt(r.lines), fmt(r.events), r.seconds.toFixed(2),
        fmt(r.lines / r.seconds), (r.bytes / 1e6 / r.seconds).toFixed(1), mb(r.peakRss), mb(r.maxRss),
      ]);
    };
    measureRow(`fleet (${devices} devices)`, 'device', fleet);
    for (const big of bigs) {
      for (const mode of ['lines', 'entries', 'parse', 'device']) measureRow(`sdclient.log ${big.size} MB`, mode, big.dir);
    }
    const head = ['input', 'stage', 'MB', 'lines', 'events', 's', 'lines/s', 'MB/s', 'peak RSS MB', 'maxRSS MB'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('stages: lines = readLines only; entries = + readEntries (nothing kept); parse = + the sdclient parser (keeps its events);');
    console.log('        device = loadDevice (all files parsed, timeline built). peak RSS sampled every 10 ms; maxRSS from process.resourceUsage().');
    console.log('');

    // Doubling: the timeline, windows and rules must be O(n log n): each doubling about doubles the time.
    const doubling = [];
    for (const runs of [2500, 5000, 10000, 20000]) {
      const dir = path.join(root, `RUNS-${runs}`, 'DEV');
      writeManyRunsDevice(dir, runs);
      const r = runChild('diagnose', dir);
      doubling.push({ runs, lines: r.lines, seconds: r.seconds, wc: wcSeconds(dir), peak: r.peakRss });
    }
    console.log('doubling (one device of many short runs, diagnosed whole; ratio = time / time of half the runs, ~2 is linear):');
    console.log(['runs', 'lines', 's', 'ratio', 'wc -l s', 'ratio to wc -l', 'peak RSS MB'].join('  '));
    doubling.forEach((d, i) => {
      const previous = doubling[i - 1];
      console.log([fmt(d.runs), fmt(d.lines), d.seconds.toFixed(2), previous ? (d.seconds / previous.seconds).toFixed(2) : '-', d.wc.toFixed(3), (d.seconds / d.wc).toFixed(0), mb(d.peak)].join('  '));
    });
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}

// Imported (by a profiling script, say) it only lends its generators.
if (process.argv[1] === SELF) await main();
