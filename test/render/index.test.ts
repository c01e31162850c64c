// The registry and the folder agree (knip's check): every format module is registered
// under its file name, and every other module in src/render/ is a known helper.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isFormatName, renderers } from '../../src/render/index.js';

const folder = fileURLToPath(new URL('../../src/render/', import.meta.url));

/** Modules of src/render/ that are not `--format` renderers, and why they are here. */
const HELPERS = ['html-fleet', 'table', 
  'index', // the registry
  'renderer', // the Renderer and RenderOptions types every format implements
  'ticket', // what md and jira share: the summary, then each device in full, failed first
  'piece', // a device rendered where it was diagnosed (a worker), for the streamed formats
  'escape', // one escaper per destination
  'model', // what several renderers derive the same way (verdict tone, explanation, …)
  'swimlanes', // the HTML report's SVG timeline
  'rules-list', // `ldforensics rules`, not a diagnosis format
  'timeline-text', // `ldforensics timeline`, not a diagnosis format
];

describe('render registry', () => {
  const modules = readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => name.slice(0, -'.ts'.length))
    .sort();

  it('has one module per format and one format per module', () => {
    const formats = modules.filter((name) => !HELPERS.includes(name));
    expect(formats).toEqual(Object.keys(renderers).sort());
  });

  it('lists only helpers that exist', () => {
    for (const helper of HELPERS) expect(modules).toContain(helper);
  });

  it.each(Object.keys(renderers))('registers %s as the module’s export of that name', async (name) => {
    const module: Record<string, unknown> = await import(/* @vite-ignore */ `${folder}${name}.ts`);
    expect(isFormatName(name)).toBe(true);
    expect(module[name]).toBeDefined();
    expect(isFormatName(name) ? renderers[name] : undefined).toBe(module[name]);
  });

  it('offers device() and end() together or not at all', () => {
    for (const renderer of Object.values(renderers)) {
      expect(renderer.device === undefined).toBe(renderer.end === undefined);
    }
  });

  it('rejects names that are not formats, including inherited ones', () => {
    expect(isFormatName('pdf')).toBe(false);
    expect(isFormatName('toString')).toBe(false);
    expect(isFormatName('__proto__')).toBe(false);
  });
});
