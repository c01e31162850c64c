// The cache key holds a hash of the code (version.ts, codeIdentityOf): a checkout updated or
// rebuilt without a new version must not find the reports of the build before it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeIdentity, codeIdentityOf } from '../../src/version.js';

let root: tmp.DirResult;
beforeEach(() => { root = tmp.dirSync({ unsafeCleanup: true }); });
afterEach(() => root.removeCallback());

function writeCode(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root.name, name)), { recursive: true });
    writeFileSync(path.join(root.name, name), text);
  }
}

describe('the code identity in the cache key', () => {
  it('changes with any module\'s bytes, and only with the code (not with type declarations or other files)', () => {
    writeCode({ 'cli.js': 'export const a = 1;\n', 'rules/verdict.js': 'export const rule = "x";\n', 'packs/default.json': '{"patterns":[]}\n' });
    const before = codeIdentityOf(root.name);
    expect(codeIdentityOf(root.name)).toBe(before);
    writeCode({ 'types.d.ts': 'export type T = 1;\n', 'README.md': 'notes\n' });
    expect(codeIdentityOf(root.name)).toBe(before);
    writeCode({ 'rules/verdict.js': 'export const rule = "y";\n' });
    const changed = codeIdentityOf(root.name);
    expect(changed).not.toBe(before);
    // A file moved is a change too (the same bytes under another name).
    writeCode({ 'rules/verdict.js': 'export const rule = "x";\n' });
    expect(codeIdentityOf(root.name)).toBe(before);
    writeCode({ 'rules/other.js': 'export const rule = "x";\n' });
    expect(codeIdentityOf(root.name)).not.toBe(before);
  });

  it('is read from the running copy\'s own folder, once', () => {
    const here = codeIdentity();
    expect(here).toMatch(/^[0-9a-f]{16}$/);
    expect(codeIdentity()).toBe(here);
  });
});
