// The rule registry agrees with the folder: one module per rule id (file name = id = test name),
// each with complete metadata, every message it reports defined, and a test file here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import type { Rule } from '../../src/types.js';

const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url));
const TESTS_DIR = fileURLToPath(new URL('./', import.meta.url));
/** Modules of src/rules that are not rules: shared facts, the engine, the verdict, the registry. */
const SHARED = new Set(['facts', 'background-task', 'engine', 'verdict', 'index']);
/** Test files here that are not a rule's. */
const OTHER_TESTS = new Set(['verdict', 'registry', 'rule-tester']);

const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .filter((name) => !SHARED.has(name))
  .sort();
const entries: [string, Rule][] = Object.entries(rules);

function source(name: string): string {
  return readFileSync(path.join(RULES_DIR, `${name}.ts`), 'utf8');
}

/** A rule's own source and the shared modules it builds its reports in (the race rules' background-task.ts). */
function reportingSource(name: string): string {
  const own = source(name);
  return /from '\.\/background-task\.js'/.test(own) && /blockedByBackgroundTask\(/.test(own) ? `${own}\n${source('background-task')}` : own;
}

/** The message ids a source reports: the string literals of every `messageId: …` expression. */
function messageIdsUsed(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/messageId\??:\s*([^,\n}]+)/g)) {
    for (const literal of (m[1] ?? '').matchAll(/'([A-Za-z][\w-]*)'/g)) if (literal[1]) ids.add(literal[1]);
  }
  return ids;
}

describe('rule registry', () => {
  it('has one key per rule file in src/rules (shared modules aside), and no other', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(rules).sort()).toEqual(ruleFiles);
  });

  it('the shared modules it sets aside exist (a renamed one would otherwise pass as a rule-less file)', () => {
    for (const name of SHARED) expect(existsSync(path.join(RULES_DIR, `${name}.ts`)), `${name}.ts`).toBe(true);
  });

  describe.each(entries)('%s', (key, rule) => {
    const meta = rule.meta;

    it('meta.id is its registry key and its file name', () => {
      expect(meta.id).toBe(key);
      expect(existsSync(path.join(RULES_DIR, `${meta.id}.ts`))).toBe(true);
    });

    it('has a title, a description, a plain-language explanation, a severity and a fix', () => {
      for (const text of [meta.title, meta.description, meta.explanation, meta.fix]) expect(text.trim().length).toBeGreaterThan(10);
      expect(['error', 'warning', 'info']).toContain(meta.severity);
    });

    it('has references and false positives, none empty', () => {
      expect(meta.references.length).toBeGreaterThan(0);
      expect(meta.falsePositives.length).toBeGreaterThan(0);
      for (const text of [...meta.references, ...meta.falsePositives]) expect(text.trim()).not.toBe('');
    });

    it('has messages, none empty', () => {
      const messages = Object.entries(meta.messages);
      expect(messages.length).toBeGreaterThan(0);
      for (const [id, template] of messages) expect(template.trim(), id).not.toBe('');
    });

    it('defines every messageId it reports, and reports every message it defines', () => {
      const used = messageIdsUsed(reportingSource(key));
      expect(used.size, 'no messageId literal found: the check would pass vacuously').toBeGreaterThan(0);
      for (const id of used) expect(Object.keys(meta.messages), `messageId "${id}" is reported but not in meta.messages`).toContain(id);
      for (const id of Object.keys(meta.messages)) expect([...used], `message "${id}" is defined but never reported`).toContain(id);
    });

    it('fills every {placeholder} of its messages from its report data', () => {
      const text = reportingSource(key);
      for (const template of Object.values(meta.messages)) {
        for (const m of template.matchAll(/\{(\w+)\}/g)) {
          const name = m[1] ?? '';
          expect(new RegExp(`\\b${name}\\s*:|[{,]\\s*${name}\\s*[,}]`).test(text), `{${name}} is never given in data`).toBe(true);
        }
      }
    });

    it('starts with a header naming the rule (what it detects, why it matters)', () => {
      expect(source(key).startsWith(`// ${key}:`)).toBe(true);
    });

    it(`has its test file, test/rules/${key}.test.ts, running the tester on its id`, () => {
      const file = path.join(TESTS_DIR, `${key}.test.ts`);
      expect(existsSync(file)).toBe(true);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(`'${key}'`);
      expect(text).toMatch(/ruleTester\.run\(|runRuleTests\(/);
    });
  });

  it('every test file in test/rules is a rule\'s, or one of the shared ones', () => {
    const tests = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -'.test.ts'.length));
    for (const name of tests) expect(ruleFiles.includes(name) || OTHER_TESTS.has(name), `${name}.test.ts`).toBe(true);
  });
});
