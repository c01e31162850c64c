// Which log a file is, from its name alone. Gathered bundles keep the file
// names but not always the folders (FORMATS.md, "Where the logs are"), so the
// base name is all we trust, and it is matched case-insensitively because
// Windows file names are case-insensitive and gathering scripts vary.
//
// A name that is not listed here returns null: the parser registry may still
// sniff such a file's content, which is not this module's job.

import type { LogKind } from '../types.js';

/** The last path segment, with either kind of slash, since names may come from Windows paths or zip entries. */
function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

// sdclient_task<ID>.log and its rotated sdclient_task<ID>.<n>.log: one log per distribution task.
const SDCLIENT_TASK = /^sdclient_task(\d+)(?:\.(\d+))?\.log$/i;
// vulscan.log and its rotated copies vulscan.<n>.log (higher n = older content).
const VULSCAN = /^vulscan(?:\.(\d+))?\.log$/i;
// CP.<id>.RunNow.stat: one task's status as XML.
const TASK_STATUS = /^cp\.([^.]+)\.runnow\.stat$/i;

/** Exact base names (lower case) and the kind each one is. */
const EXACT: Readonly<Record<string, LogKind>> = {
  'sdclient.log': 'sdclient',
  'localsch.log': 'localsch',
  'localschedulertasks.log': 'scheduler-tasks',
  // EPM 2016+ writes PolicySync.exe.log; older agents policy.sync.log; some gatherers save policysync.log.
  'policysync.exe.log': 'policysync',
  'policy.sync.log': 'policysync',
  'policysync.log': 'policysync',
  'ldprovisioning.log': 'provisioning',
};

/** The log kind a file name says it is, or null when the name is not one we know. */
export function logKindFromFileName(fileName: string): LogKind | null {
  const name = baseName(fileName);
  const exact = EXACT[name.toLowerCase()];
  if (exact !== undefined) return exact;
  if (SDCLIENT_TASK.test(name)) return 'sdclient';
  if (VULSCAN.test(name)) return 'vulscan';
  if (TASK_STATUS.test(name)) return 'task-status';
  return null;
}

/**
 * The task id in `sdclient_task<ID>.log` / `sdclient_task<ID>.<n>.log` and
 * `CP.<ID>.RunNow.stat`, or null for any other name. Each such file is about
 * one task, so the id ties its events to the task even when no line names it.
 */
export function taskIdFromFileName(fileName: string): string | null {
  const name = baseName(fileName);
  return SDCLIENT_TASK.exec(name)?.[1] ?? TASK_STATUS.exec(name)?.[1] ?? null;
}

/**
 * The rotation index of a rotated log: 0 for the live file (`vulscan.log`,
 * `sdclient_task12.log`), n for `vulscan.<n>.log` / `sdclient_task12.<n>.log`.
 * Higher n holds older content, so reading a kind's files by descending index
 * reads them oldest first. Any other name is 0.
 */
export function rotationIndex(fileName: string): number {
  const name = baseName(fileName);
  const rotated = VULSCAN.exec(name)?.[1] ?? SDCLIENT_TASK.exec(name)?.[2];
  return rotated === undefined ? 0 : Number.parseInt(rotated, 10);
}
