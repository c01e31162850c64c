// Throughput and memory, side by side with peers, after split2's bench.js. Run with
// `npm run bench` (it builds first: this script runs the built CLI and imports ../dist).
// Nothing here is asserted; the numbers are printed for a reader to compare across changes.
//
// It writes, in a temporary folder, what the issues name, all in FORMATS.md's line shapes
// ("Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting (version 11.0.5.361) ----------"):
//   fleets of 100, 1,000 and 10,000 small devices (a template of 8 distributions, the last refused)
//   40 devices with a 5 MB sdclient.log each (the workers issue's fleet)
//   one device with a 200 MB sdclient.log
// and times, each as its own process (wall time and peak RSS from /usr/bin/time where it is
// installed), in one run so the ratios mean something on a shared machine:
//   wc -l over the same files; lnav where installed (headless: index the files, count the
//   entries, with bench/lnav/epm_log.json as its format); ldforensics' line reader alone; and
//   `ldforensics diagnose` in json and ndjson, with the default --jobs (fleet/jobs.ts), --jobs 1 and
//   all cores side by side, without and with a warm --cache; and, for the 40 devices of 5 MB, the
//   pool's own peer: one `--jobs 1` process per core at once, each on its --shard of the devices.
// CPU time (user + system, all of a command's processes) is printed beside the wall time.
//
// Options: --fleets=100,1000,10000  --big-mb=200  --mid=40 (devices of 5 MB)  --quick (100 and
// 1,000 devices, 20 MB, 20 mid devices, one run each)  --keep (leave the files, print where)
// --no-doubling  --runs=3: each figure is the median of this many runs (single runs on a shared
// machine vary by 10 to 20 %), peers included; a cold --cache run starts from an empty cache each time.
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

/** In a child process: `lines` (the line reader alone) or `diagnose` (the whole job, through the API). */
async function measure(mode, target) {
  const dist = (p) => import(pathToFileURL(path.join(DIST, p)).href);
  const { readLines } = await dist('ingest/lines.js');
  const { logKindFromFileName } = await dist('ingest/names.js');
  const { diagnose } = await dist('run.js');

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 10);
  const started = performance.now();
  let lines = 0;
  let bytes = 0;
  let devices = 0;
  if (mode === 'diagnose') {
    const report = await diagnose({ paths: [target] });
    for (const d of report.devices) for (const f of d.files) lines += f.lines;
    devices = report.devices.length;
    for (const file of filesUnder(target)) bytes += statSync(file).size;
  } else if (mode === 'lines') {
    for (const file of filesUnder(target)) {
      if (!logKindFromFileName(path.basename(file))) continue;
      bytes += statSync(file).size;
      for await (const batch of readLines(createReadStream(file)).batches) lines += batch.length;
    }
  } else {
    throw new Error(`bench: no measurement "${mode}"`);
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { mode, seconds, lines, bytes, devices, peakRss, maxRss: process.resourceUsage().maxRSS * 1024 };
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

function runChild(mode, target) {
  const child = spawnSync(process.execPath, [SELF, '--child', mode, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    throw new Error(`measuring ${mode} on ${target} failed (exit ${child.status}):\n${child.stderr}`);
  }
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last);
}

/** The peer: `wc -l` over the same files, timed as a whole process. */
function wcSeconds(target) {
  const started = performance.now();
  spawnSync('sh', ['-c', `find "${target}" -type f -exec cat {} + | wc -l`], { encoding: 'utf8' });
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------- whole processes, timed

const TIME = '/usr/bin/time';
const HAS_TIME = spawnSync(TIME, ['-f', '%e', 'true']).status === 0;
const BIN = path.resolve(path.dirname(SELF), '..', 'bin', 'ldforensics.js');

/** How many times each command runs; its figures are the medians (main sets it from --runs). */
let RUNS = 1;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `run` RUNS times: the median wall time, CPU time and peak RSS (null where any is unknown). */
function repeated(run) {
  const results = Array.from({ length: RUNS }, () => run());
  const peaks = results.map((r) => r.peakMb);
  const cpus = results.map((r) => r.cpuSeconds ?? null);
  return {
    seconds: median(results.map((r) => r.seconds)), peakMb: peaks.includes(null) ? null : median(peaks),
    cpuSeconds: cpus.includes(null) ? null : median(cpus), stdout: results[results.length - 1]?.stdout,
  };
}

/** Runs a command RUNS times (see repeated). */
function timed(command, args, options = {}) {
  return repeated(() => timedOnce(command, args, options));
}

/**
 * Runs a command; wall seconds, and from /usr/bin/time (null where it is missing) the peak RSS in
 * MB of its largest process and the CPU seconds (user + system) of all its processes.
 */
function timedOnce(command, args, options = {}) {
  const started = performance.now();
  const child = HAS_TIME
    ? spawnSync(TIME, ['-f', 'BENCH %e %M %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = (performance.now() - started) / 1000;
  if (child.error) throw child.error;
  const mark = HAS_TIME ? /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(child.stderr ?? '') : null;
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${child.status}):\n${(child.stderr ?? '').slice(-2000)}`);
  }
  return { seconds, peakMb: mark ? Number(mark[2]) / 1024 : null, cpuSeconds: mark ? Number(mark[3]) + Number(mark[4]) : null, stdout: child.stdout };
}

/** lnav, where installed, with this bench's format file in a HOME of its own. */
function lnavPeer(root) {
  if (spawnSync('lnav', ['-V']).status !== 0) return null;
  const home = path.join(root, 'lnav-home');
  mkdirSync(home, { recursive: true });
  const format = path.resolve(path.dirname(SELF), 'lnav', 'epm_log.json');
  const env = { ...process.env, HOME: home };
  spawnSync('lnav', ['-i', format], { env, encoding: 'utf8' });
  return (files) => timed('sh', ['-c', `lnav -n -c ';SELECT count(*) FROM epm_client_log' ${files}`], { env });
}

const mb = (n) => (n / 1e6).toFixed(1);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function option(name, fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

function bytesUnder(dir) {
  return filesUnder(dir).reduce((sum, f) => sum + statSync(f).size, 0);
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main() {
  if (process.argv[2] === '--child') {
    const result = await measure(process.argv[3], process.argv[4]);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const quick = process.argv.includes('--quick');
  const fleets = option('fleets', quick ? '100,1000' : '100,1000,10000').split(',').map(Number);
  const bigMb = Number(option('big-mb', quick ? '20' : '200'));
  const midDevices = Number(option('mid', quick ? '20' : '40'));
  const keep = process.argv.includes('--keep');
  RUNS = Math.max(1, Number(option('runs', quick ? '1' : '3')) || 1);
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const root = mkdtempSync(path.join(os.tmpdir(), 'ldforensics-bench-'));
  try {
    const generating = performance.now();
    const fleetDirs = fleets.map((n) => {
      const dir = path.join(root, `fleet-${n}`);
      for (let i = 0; i < n; i += 1) writeDevice(path.join(dir, `LAB-${String(i + 1).padStart(5, '0')}`), smallDevice(i));
      return { n, dir };
    });
    const mid = path.join(root, 'mid');
    for (let i = 0; i < midDevices; i += 1) writeBigDevice(path.join(mid, `MID-${String(i + 1).padStart(3, '0')}`), 5e6);
    const big = path.join(root, 'big');
    const bigFile = writeBigDevice(big, bigMb * 1e6).file;
    console.log(`ldforensics bench: node ${process.version}, ${cores} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()} ${os.arch()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
    console.log(`fixtures written in ${((performance.now() - generating) / 1000).toFixed(1)} s${keep ? ` to ${root}` : ''}; peak RSS from ${HAS_TIME ? '/usr/bin/time' : '(not measured: /usr/bin/time missing)'}; each figure the median of ${RUNS} run${RUNS === 1 ? '' : 's'}`);
    console.log('');

    const lnav = lnavPeer(root);
    const rows = [];
    let poolFigures = null;
    const row = (input, tool, bytes, devices, r, wc, ln) => rows.push([
      input, tool, r.seconds.toFixed(2), r.cpuSeconds === null || r.cpuSeconds === undefined ? '-' : r.cpuSeconds.toFixed(2), (bytes / 1e6 / r.seconds).toFixed(1), devices > 1 ? fmt(devices / r.seconds) : '-',
      r.peakMb === null ? '-' : r.peakMb.toFixed(0), wc ? (r.seconds / wc.seconds).toFixed(1) : '-', ln ? (r.seconds / ln.seconds).toFixed(2) : '-',
    ]);
    const diagnoseOnce = (target, extra) => timedOnce(process.execPath, [BIN, 'diagnose', target, '-o', path.join(root, 'out'), ...extra]);
    const diagnose = (target, extra) => repeated(() => diagnoseOnce(target, extra));
    const peers = (input, target, bytes, devices, lnavFiles) => {
      const wc = timed('sh', ['-c', `find "${target}" -type f -exec cat {} + | wc -l`]);
      row(input, 'wc -l', bytes, devices, wc, null, null);
      const ln = lnav && lnavFiles ? lnav(lnavFiles) : null;
      if (ln) row(input, 'lnav (index + count)', bytes, devices, ln, wc, null);
      return { wc, ln };
    };

    // One large file: the per-line engine.
    const bigBytes = statSync(bigFile).size;
    const bigLabel = `one ${bigMb} MB sdclient.log`;
    const bp = peers(bigLabel, big, bigBytes, 1, `"${bigFile}"`);
    const lines = repeated(() => {
      const child = runChild('lines', big);
      return { seconds: child.seconds, peakMb: child.maxRss / 2 ** 20 };
    });
    row(bigLabel, 'ldforensics lines only', bigBytes, 1, lines, bp.wc, bp.ln);
    row(bigLabel, 'diagnose json', bigBytes, 1, diagnose(big, ['-f', 'json']), bp.wc, bp.ln);

    // Devices of 5 MB each.
    const midBytes = bytesUnder(mid);
    const midLabel = `${midDevices} devices × 5 MB`;
    const mp = peers(midLabel, mid, midBytes, midDevices, `"${mid}"/*/ProgramData/LANDesk/Log/sdclient.log`);
    // Workers against the main thread, and the default's choice (fleet/jobs.ts), side by side.
    row(midLabel, 'diagnose json, default --jobs', midBytes, midDevices, diagnose(mid, ['-f', 'json']), mp.wc, mp.ln);
    const midAll = diagnose(mid, ['-f', 'json', '--jobs', String(cores)]);
    row(midLabel, `diagnose json, --jobs ${cores}`, midBytes, midDevices, midAll, mp.wc, mp.ln);
    const midOne = diagnose(mid, ['-f', 'json', '--jobs', '1']);
    row(midLabel, 'diagnose json, --jobs 1', midBytes, midDevices, midOne, mp.wc, mp.ln);
    // The pool's own peer (the workers issue): as many `--jobs 1` processes as cores at once, each
    // on its shard of the devices. The pool should do no worse than these, in wall or CPU time.
    const shards = Array.from({ length: cores }, (_, i) => `${process.execPath} ${BIN} diagnose "${mid}" -f json --jobs 1 --shard ${i + 1}/${cores} -o "${path.join(root, `out-${i}`)}" &`);
    const midProcesses = timed('sh', ['-c', `${shards.join(' ')} wait`]);
    row(midLabel, `${cores} × diagnose --jobs 1 at once, a shard each`, midBytes, midDevices, midProcesses, mp.wc, mp.ln);
    poolFigures = { label: midLabel, cores, pool: midAll, one: midOne, processes: midProcesses };

    // Fleets of small devices: parallelism, streaming, the cache.
    const fleetRuns = [];
    for (const { n, dir } of fleetDirs) {
      const bytes = bytesUnder(dir);
      const label = `${fmt(n)} devices`;
      const fp = peers(label, dir, bytes, n, n <= 1000 ? `-r "${dir}"` : null);
      const json = diagnose(dir, ['-f', 'json']);
      row(label, 'diagnose json, default --jobs', bytes, n, json, fp.wc, fp.ln);
      row(label, `diagnose json, --jobs ${cores}`, bytes, n, diagnose(dir, ['-f', 'json', '--jobs', String(cores)]), fp.wc, fp.ln);
      row(label, 'diagnose json, --jobs 1', bytes, n, diagnose(dir, ['-f', 'json', '--jobs', '1']), fp.wc, fp.ln);
      row(label, 'diagnose ndjson, default --jobs', bytes, n, diagnose(dir, ['-f', 'ndjson']), fp.wc, fp.ln);
      row(label, 'diagnose text, default --jobs', bytes, n, diagnose(dir, ['-f', 'text']), fp.wc, fp.ln);
      const cacheDir = path.join(root, `cache-${n}`);
      const cold = repeated(() => {
        rmSync(cacheDir, { recursive: true, force: true });
        return diagnoseOnce(dir, ['-f', 'json', '--cache-location', cacheDir]);
      });
      const warm = diagnose(dir, ['-f', 'json', '--cache-location', cacheDir]);
      row(label, 'diagnose json, cold --cache', bytes, n, cold, fp.wc, fp.ln);
      row(label, `diagnose json, warm --cache (${((warm.seconds / cold.seconds) * 100).toFixed(0)} % of cold)`, bytes, n, warm, fp.wc, fp.ln);
      fleetRuns.push({ n, peak: json.peakMb });
    }
    printTable(['input', 'tool', 's', 'CPU s', 'MB/s', 'devices/s', 'peak RSS MB', '× wc -l', '× lnav'], rows);
    console.log('');
    const [smallest, largest] = [fleetRuns[0], fleetRuns[fleetRuns.length - 1]];
    if (smallest && largest && smallest.peak && largest.peak && smallest !== largest) {
      console.log(`fleet memory: peak RSS for ${fmt(largest.n)} devices is ${((largest.peak / smallest.peak - 1) * 100).toFixed(0)} % above that for ${fmt(smallest.n)} (json, default --jobs)`);
    }
    console.log('× wc -l and × lnav: ldforensics\' time over the peer\'s on the same files in this run (lower is better; below 1 is faster).');
    if (poolFigures) {
      const { label, cores: n, pool, one, processes } = poolFigures;
      const ratio = (a, b) => (a === null || b === null ? '-' : `${(a / b).toFixed(2)} ×`);
      console.log(`workers on ${label}, against --jobs 1: --jobs ${n} wall ${ratio(pool.seconds, one.seconds)}, CPU ${ratio(pool.cpuSeconds, one.cpuSeconds)}; `
        + `${n} processes on a shard each wall ${ratio(processes.seconds, one.seconds)}, CPU ${ratio(processes.cpuSeconds, one.cpuSeconds)}. Peak RSS of the processes' row is the largest one's.`);
    }
    console.log('');

    if (process.argv.includes('--no-doubling')) return;
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
