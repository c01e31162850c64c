// The code's layers (CONTRIBUTING.md): the data goes one way, ingest → parsers → timeline →
// rules → report → render, with fleet, the API (run.ts) and the command line (cli/) on top, and
// no module imports another that imports it back, types included. Read from the sources'
// import lines, as knip and madge read them.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.join(import.meta.dirname, '..', 'src');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each module's relative imports (values and types, static and dynamic), as module paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)]
      .map((m) => path.resolve(path.dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts')))
      .filter((target) => target.endsWith('.ts'));
    graph.set(file, targets);
  }
  return graph;
}

/** The layer of a module: its folder under src/, or for a module at the top, the layer it belongs to. */
const LAYER_OF_TOP: Record<string, string> = {
  'device.ts': 'report', 'report.ts': 'report', 'passed-over.ts': 'report', 'timing.ts': 'report',
  'options.ts': 'fleet', 'run.ts': 'run',
};
/** Lowest first: a module may import from its own layer and those before it, and from the shared helpers. */
const ORDER = ['shared', 'ingest', 'parsers', 'timeline', 'rules', 'suggest', 'report', 'render', 'fleet', 'run', 'cli'];

function layerOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  if (relative.length > 1) return relative[0] ?? 'shared';
  return LAYER_OF_TOP[relative[0] ?? ''] ?? 'shared';
}

describe('the layers of src/', () => {
  const graph = importGraph();

  it('has no import circle, types included', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open') circles.push(stack.slice(stack.indexOf(target)).map((f) => path.relative(SRC, f)).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it('imports only downwards: ingest → parsers → timeline → rules → report → render, then fleet, run.ts and cli/', () => {
    const upwards: string[] = [];
    for (const [file, targets] of graph) {
      const from = ORDER.indexOf(layerOf(file));
      for (const target of targets) {
        const to = ORDER.indexOf(layerOf(target));
        // Shared helpers (types, errors, arrays, atomic writes, luxon, the version) are everyone's.
        if (layerOf(target) !== 'shared' && to > from) upwards.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
      }
    }
    expect(upwards).toEqual([]);
  });

  it('keeps the command line\'s own modules in cli/, and nothing below it imports them', () => {
    const cli = [...graph.keys()].filter((file) => layerOf(file) === 'cli').map((file) => path.basename(file)).sort();
    expect(cli).toEqual(['cli.ts', 'html-folder.ts', 'interrupt.ts', 'output-file.ts', 'output-guard.ts', 'progress.ts', 'spool.ts', 'supervised.ts', 'supervisor.ts']);
  });
});
