// The parser registry: one module per log kind. A name is checked at compile time by
// `satisfies`, and a test checks that this folder's files and the registry's keys agree.
import type { LogKind } from '../types.js';
import localsch from './localsch.js';
import type { Parser } from './parser.js';
import type { PatternSet } from './patterns.js';
import policysync from './policysync.js';
import provisionGui from './provision-gui.js';
import provisioning from './provisioning.js';
import schedulerTasks from './scheduler-tasks.js';
import sdclient from './sdclient.js';
import taskStatus from './task-status.js';
import vulscan from './vulscan.js';

export const parsers = {
  sdclient,
  vulscan,
  policysync,
  localsch,
  'scheduler-tasks': schedulerTasks,
  'task-status': taskStatus,
  provisioning,
  'provision-gui': provisionGui,
} satisfies Record<LogKind, Parser>;

/** How many first lines a sniff looks at. */
export const SNIFF_LINES = 40;

/** The log kind a file's first lines look like, for files whose name says nothing; null when none fits. */
export function sniffKind(firstLines: string[], patterns: PatternSet): LogKind | null {
  let best: LogKind | null = null;
  let bestScore = 0;
  for (const parser of Object.values(parsers)) {
    const score = parser.sniff(firstLines, patterns);
    if (score > bestScore) {
      best = parser.kind;
      bestScore = score;
    }
  }
  return best;
}
