// `ldforensics rules` in its three forms, and docs/rules.md kept in step with the rules' meta.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRules } from '../../src/render/rules-list.js';
import { rules } from '../../src/rules/index.js';

describe('renderRules', () => {
  it('docs/rules.md is what `ldforensics rules --format md` prints (regenerate it when a rule\'s meta changes)', () => {
    expect(readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')).toBe(renderRules('md'));
  });

  it('gives each rule a section whose heading is its id (the docs anchor)', () => {
    const md = renderRules('md');
    for (const id of Object.keys(rules)) expect(md).toContain(`\n## ${id}\n`);
  });

  it('lists every rule as JSON, without the message templates', () => {
    const list = JSON.parse(renderRules('json')) as Record<string, unknown>[];
    expect(list.map((r) => r.id)).toEqual(Object.keys(rules));
    for (const r of list) expect(r).not.toHaveProperty('messages');
  });

  it('prints each rule with its severity, fix and false positives as text', () => {
    const text = renderRules('text');
    for (const { meta } of Object.values(rules)) {
      expect(text).toContain(`${meta.id}  [${meta.severity}]  ${meta.title}`);
      expect(text).toContain(`  fix: ${meta.fix}`);
    }
  });
});
