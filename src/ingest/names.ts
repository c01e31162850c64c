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
// SDClientTask.<CoreName>.<task>.log: older agents' per-task log (the core's name may hold dots).
const SDCLIENT_TASK_OLD = /^sdclienttask\.[^\\/]{1,255}\.(\d+)\.log$/i;
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
  // C:\ldprovisioning\ProvisionGUI.exe.log: the provisioning agent's own log (seen).
  'provisiongui.exe.log': 'provision-gui',
  'provisiongui.log': 'provision-gui',
};

/** The log kind a file name says it is, or null when the name is not one we know. */
export function logKindFromFileName(fileName: string): LogKind | null {
  const name = baseName(fileName);
  const exact = EXACT[name.toLowerCase()];
  if (exact !== undefined) return exact;
  if (SDCLIENT_TASK.test(name) || SDCLIENT_TASK_OLD.test(name)) return 'sdclient';
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
  return SDCLIENT_TASK.exec(name)?.[1] ?? SDCLIENT_TASK_OLD.exec(name)?.[1] ?? TASK_STATUS.exec(name)?.[1] ?? null;
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

// EPM files that hold no facts the rules use yet: listed as skipped, with the reason.
const EPM_NOT_READ: Readonly<Record<string, string>> = {
  'taskhistory.xml': 'the agent\'s task history (XML): its results are read from the sdclient logs and CP.<id>.RunNow.stat files instead',
  'currentdownloads.log': 'the agent\'s download list (comma-separated, no times): adds nothing the sdclient log does not say',
};

// What a gathering script takes besides the EPM logs (FORMATS.md: Windows\Temp, Panther, NetSetup.txt,
// event logs, registry exports). Such a file is never sniffed: a stray timestamp in setupact.log must
// not make it an sdclient log.
const WINDOWS_FILES = new Set([
  'setupact.log', 'setuperr.log', 'netsetup.txt', 'netsetup.log', 'cbs.log', 'dism.log', 'windowsupdate.log',
  'unattend.xml', 'unattendgc.log', 'diagerr.xml', 'diagwrn.xml', 'pfirewall.log', 'setupapi.dev.log', 'setupapi.app.log',
]);
const WINDOWS_FOLDERS = new Set(['panther', 'unattendgc', 'winevt', 'minidump', 'logfiles']);
const NOT_LOG_EXTENSIONS = new Set([
  'evtx', 'evt', 'etl', 'reg', 'hiv', 'dmp', 'cab', 'exe', 'dll', 'msi', 'msp', 'sys', 'png', 'jpg', 'jpeg', 'gif',
  'bmp', 'pdf', 'xml', 'json', 'csv', 'ini', 'inf', 'cat', 'wim', 'iso', 'dat', 'db', 'sdb', 'mum', 'ps1', 'bat', 'cmd', 'vbs',
]);

// The vendor's gathering script's own outputs (FORMATS.md, "The vendor's gathering script"): command
// outputs at its top, registry exports saved as .log, PXE troubleshooting notes. None is an EPM log;
// each is skipped by name, with what it is, never sniffed.
const SCRIPT_OUTPUTS: Readonly<Record<string, string>> = {
  'process_running.log': 'the processes running when the logs were gathered',
  'process_commandline.log': 'the processes running when the logs were gathered, with their command lines',
  'process_cpu_time.log': 'the processes\' CPU time when the logs were gathered',
  'systeminfo.log': 'systeminfo\'s output (read for the device\'s name only)',
  'hostname_ip_info.log': 'the device\'s name and addresses (read for its name only)',
  'ldclientfilelist.log': 'a listing of the agent\'s folder',
  'epm_services.log': 'the EPM services\' states',
  'all_services.log': 'the Windows services\' states',
  'drive_information.log': 'the drives',
  'available_hdd_space.log': 'the free disk space',
  'installedav.log': 'the antivirus products installed',
};
const INSTALLER_LOG = /^(?:install|uninstall|setup|msi)[_-][^\\/]*\.log$/i;
const SCRIPT_FOLDERS: Readonly<Record<string, string>> = {
  registryinfo: 'a registry export the gathering script saves as .log (.reg text)',
  pxetroubleshooting: 'the gathering script\'s PXE troubleshooting output',
};

/**
 * Why a file that is no EPM log we read is skipped without a look at its content, or null when
 * its name says nothing (then its first lines are sniffed). `displayPath` may hold folders.
 */
export function skipReasonFromPath(displayPath: string): string | null {
  const segments = displayPath.split(/[\\/]/);
  const name = (segments[segments.length - 1] ?? '').toLowerCase();
  const epm = EPM_NOT_READ[name];
  if (epm !== undefined) return `EPM file not read: ${epm}`;
  if (WINDOWS_FILES.has(name)) return 'a Windows file the gathering script takes, not an EPM log';
  // Packagers point installers' own logs into the agent's Log folder (/LOG="…\LANDESK\Log\Install_<app>.log", FORMATS.md).
  if (INSTALLER_LOG.test(name)) return 'a package installer\'s own log (its package writes it into the agent\'s Log folder), not an EPM log';
  const output = SCRIPT_OUTPUTS[name];
  if (output !== undefined) return `the gathering script's own output (${output}), not an EPM log`;
  const scriptFolder = segments.slice(0, -1).map((s) => SCRIPT_FOLDERS[s.toLowerCase()]).find((reason) => reason !== undefined);
  if (scriptFolder !== undefined) return `${scriptFolder}, not an EPM log`;
  if (segments.slice(0, -1).some((s) => WINDOWS_FOLDERS.has(s.toLowerCase()))) return 'in a Windows setup or event-log folder the gathering script takes, not an EPM log';
  const dot = name.lastIndexOf('.');
  const extension = dot >= 0 ? name.slice(dot + 1) : '';
  if (NOT_LOG_EXTENSIONS.has(extension)) return `a .${extension} file, not an EPM text log`;
  return null;
}
