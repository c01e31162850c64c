// `npm run demo`: diagnose the bundled samples. The samples are failed devices on purpose,
// so exit code 1 ("a device failed") is the expected outcome here, not an npm error.
//
// `npm ci` has just built the project (its `prepare` script): the build is run again only where
// a source is newer than it (a clone edited since), so the first run does not build twice. The
// report ends with the fleet summary, as on a terminal, wherever its output goes.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestUnder(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(path.join(root, 'dist', 'bundle', 'cli.js')).mtimeMs;
  } catch {
    return -1;
  }
}

const sources = Math.max(newestUnder(path.join(root, 'src')), ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(path.join(root, f)).mtimeMs));
if (builtAt() < sources) {
  process.stderr.write('demo: building (the sources are newer than dist/)\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}

const { main } = await import('../dist/cli/cli.js');
const code = await main(['diagnose', path.join(root, 'samples') + path.sep, '--summary-last', ...process.argv.slice(2)]);
process.exitCode = code === 1 ? 0 : code;
