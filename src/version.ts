// The version in package.json, one place to change it: for --version, the cache key and a shard's
// summary; and a hash of the running code beside it for the last two (codeIdentity).
// package.json is one folder above this module in src/ and dist/, two above it in dist/bundle/
// (a chunk of the bundled CLI): the nearest one of this package is taken.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const json: unknown = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
      if (typeof json === 'object' && json !== null && 'name' in json && json.name === 'ldforensics' && 'version' in json && typeof json.version === 'string') return json.version;
    } catch {
      // not there: the next one up
    }
  }
  return '0.0.0';
}

/**
 * A hash of the code that makes the reports: every module file (.js, .ts, .json) under `root`, by
 * path and content. The package's version stays 0.1.0 from one checkout to the next, and a
 * `git pull` that changes what a rule decides must not find the last build's reports in a
 * `--cache` (a verdict cached as healthy by a tool that could not see the failure would stay so).
 * About 1 MB of files, read once per thread: a few milliseconds.
 */
export function codeIdentityOf(root: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (/\.(js|ts|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  files.sort();
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

let identity: string | undefined;

/**
 * The code identity of this running copy: the folder this module is in (dist/bundle for the
 * command line, dist for the API, src under the tests), hashed once. Where it cannot be read,
 * 'unknown' (a read error here must not stop a run; the version still parts two releases).
 */
export function codeIdentity(): string {
  if (identity !== undefined) return identity;
  try {
    identity = codeIdentityOf(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    identity = 'unknown';
  }
  return identity;
}
