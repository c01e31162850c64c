// The version in package.json, one place to change it: for --version and the cache key.
// package.json is one folder above this module both in src/ and in dist/.
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  try {
    const json: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return typeof json === 'object' && json !== null && 'version' in json && typeof json.version === 'string' ? json.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
