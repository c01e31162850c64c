// Bundles what the CLI's threads load into one file each, plus the chunks they share, in
// dist/bundle/: the main thread (cli.js), the standby worker's starter (standby.js) and the
// worker (worker.js). Run after tsc, from its output. The CLI (bin/ldforensics.js) loads these;
// the API (`import { diagnose } from 'ldforensics'`) and the tests keep tsc's modules in dist/.
//
// Why: a thread of the unbundled CLI resolved, read and compiled about 85 modules before its
// first line of work, most of the start of a run (a run of one device, which is most runs, was
// 0.28 s against node's own 0.08). Splitting keeps one copy of each module for the main thread,
// so the standby worker the bin starts first is the one the pool adopts (fleet/standby.ts).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
// Chunk names carry a hash: an old build's would stay beside the new one.
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { supervisor: 'dist/cli/supervisor.js', cli: 'dist/cli/cli.js', standby: 'dist/fleet/standby.js', worker: 'dist/fleet/worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The CommonJS dependencies bundled in (commander) call require(); an ES module has none.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  logLevel: 'warning',
});
