// A flat folder of several devices' logs, told apart by their names: `LAB-0101_sdclient.log`,
// `LAB-0101-vulscan.log`, `sdclient_LAB-0101.log`. Such a folder was one device named after the
// folder, and LAB-0101's race was lost among LAB-0103's lines. The device is the part of the
// name that is not a known log name; the rest says which log it is.
import { logKindFromFileName } from './names.js';

/** The known logs' plain names, whose stem and extension a suffixed name (`sdclient_LAB-0101.log`) keeps apart. */
const PLAIN_NAMES = [
  'sdclient.log', 'vulscan.log', 'localsch.log', 'localschedulertasks.log', 'policysync.exe.log', 'policy.sync.log',
  'policysync.log', 'ldprovisioning.log', 'provisiongui.exe.log', 'provisiongui.log',
];

/** A device name as Windows allows a computer name (NetBIOS: 15 characters; DNS labels longer): letters, digits, hyphens, dots, underscores. */
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function isDeviceName(name: string): boolean {
  // A name that is itself a log's word ("old", "backup") is no device: such files are copies.
  return DEVICE_NAME.test(name) && !/^(?:old|new|backup|bak|copy|prev|previous|archive|tmp|temp|\d+)$/i.test(name);
}

export interface PrefixedName {
  /** The device the name carries, as written. */
  device: string;
  /** The log's own name, which says its kind (`sdclient.log`, `CP.1054.RunNow.stat`). */
  logName: string;
}

/** The device and log a file's name carries, or null where it is a plain log name or no log's. */
export function splitPrefixed(fileName: string): PrefixedName | null {
  if (logKindFromFileName(fileName) !== null) return null;
  // LAB-0101_sdclient.log, LAB-0101-CP.1054.RunNow.stat: the leftmost separator after which a known log's name follows.
  for (let i = 1; i < fileName.length - 1; i += 1) {
    const c = fileName[i];
    if (c !== '_' && c !== '-') continue;
    const rest = fileName.slice(i + 1);
    const device = fileName.slice(0, i);
    if (logKindFromFileName(rest) !== null && isDeviceName(device)) return { device, logName: rest };
  }
  // sdclient_LAB-0101.log: a known name's stem, a separator, the device, the known name's extension.
  const lower = fileName.toLowerCase();
  for (const plain of PLAIN_NAMES) {
    const dot = plain.lastIndexOf('.');
    const stem = plain.slice(0, dot);
    const extension = plain.slice(dot);
    if (!lower.startsWith(stem) || !lower.endsWith(extension)) continue;
    const separator = lower[stem.length];
    if (separator !== '_' && separator !== '-') continue;
    const device = fileName.slice(stem.length + 1, fileName.length - extension.length);
    if (isDeviceName(device)) return { device, logName: plain };
  }
  return null;
}
