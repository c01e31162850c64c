// The end-to-end tests run the built CLI (bin/ldforensics.js → dist/bundle/), so build it once
// before any test runs: a stale dist/ would test yesterday's code.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The CLI runs from the bundle made of tsc's output (scripts/bundle.js).
  execFileSync(process.execPath, ['scripts/bundle.js'], { stdio: 'inherit' });
}
