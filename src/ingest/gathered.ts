// The vendor's own gathering script (FORMATS.md, "The vendor's gathering script"): it copies a
// device's logs into C:\ProgramData\LANDesk\PS1_Log_Script\ and zips that folder as
// All_Zipped_Logs_<COMPUTERNAME>_<MMddyyyy>.zip. The zip's name carries the device's name and
// the gathering date; an unzipped bundle is a folder named PS1_Log_Script, whose own name says
// nothing, so the device is named from the folder above it or from the script's own outputs.
import fs from 'node:fs';
import path from 'node:path';
import { planningAt } from './read-progress.js';

/** All_Zipped_Logs_<COMPUTERNAME>_<MMddyyyy> (the computer name may hold underscores). */
const DEVICE_ZIP = /^all_zipped_logs_(.{1,255})_(\d{2})(\d{2})(\d{4})$/i;
const GATHERED_FOLDER = 'ps1_log_script';

/** The script's outputs that name the device (UTF-16LE, written by Out-File). */
const HOSTNAME_FILES = ['Hostname_IP_Info.log', 'SystemInfo.log'];
/** "Host Name:  LAB-0102" (systeminfo), "Hostname: LAB-0102", "ComputerName = LAB-0102". */
const HOSTNAME_LINE = /^\s*(?:host\s*name|hostname|computer\s*name|computername|dnshostname|device\s*name)\s*[:=]\s*([A-Za-z0-9][A-Za-z0-9._-]{0,62})\s*$/im;
/** A NetBIOS or DNS label alone on the file's first line (the output of `hostname`). */
const BARE_HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const READ_AT_MOST = 64 * 1024;

export interface GatheredName {
  device: string;
  /** The gathering date, ISO (YYYY-MM-DD), where the name gives a real date. */
  gathered?: string;
}

/**
 * What a browser or Explorer adds to a second copy's name: "… (1)", "… - Copy", "… - Copy (2)".
 * A bundle downloaded from a ticket twice is still the device's.
 */
const COPY_SUFFIX = /(?: \(\d{1,4}\)| - copy(?: \(\d{1,4}\))?)$/i;

/** The device and date in a gathering zip's name without ".zip", or null for any other name. */
export function gatheredZipName(stem: string): GatheredName | null {
  const m = DEVICE_ZIP.exec(stem.replace(COPY_SUFFIX, ''));
  if (!m) return null;
  const [, device = stem, month = '', day = '', year = ''] = m;
  const date = `${year}-${month}-${day}`;
  const valid = !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  return valid ? { device, gathered: date } : { device };
}

/** How a device gathered twice is told apart: "LAB-0116 (gathered 2026-03-01)". */
export const GATHERED_SUFFIX_START = ' (gathered ';
const GATHERED_SUFFIX = / \(gathered \d{4}-\d{2}-\d{2}\)$/;

/** A device's name without the gathering date that told it apart from another gathering of it. */
export function withoutGatheredSuffix(name: string): string {
  return name.replace(GATHERED_SUFFIX, '');
}

/**
 * The gathering date a bundle's path carries: the vendor's script names its zip
 * All_Zipped_Logs_<COMPUTERNAME>_<MMddyyyy>.zip, and an unzipped copy keeps that name as its
 * folder; undefined where no part of the path is so named.
 */
export function gatheredDateOf(source: string): string | undefined {
  for (const segment of source.split(/[\\/]/).reverse()) {
    const found = gatheredZipName(segment.replace(/\.zip$/i, ''));
    if (found?.gathered !== undefined) return found.gathered;
  }
  return undefined;
}

/** A folder the script made: its name says nothing about the device. */
export function isGatheredFolder(name: string): boolean {
  return name.toLowerCase() === GATHERED_FOLDER;
}

/** What the script's outputs say the device is called, or null. */
export function hostnameIn(folder: string): string | null {
  for (const file of HOSTNAME_FILES) {
    const text = readSmallText(path.join(folder, file));
    if (text === null) continue;
    const named = HOSTNAME_LINE.exec(text)?.[1];
    if (named) return named;
    const first = text.split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
    if (first !== undefined && BARE_HOSTNAME.test(first)) return first;
  }
  return null;
}

function readSmallText(file: string): string | null {
  if (planningAt(file) !== null) return null;
  let handle: number | undefined;
  try {
    handle = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(READ_AT_MOST);
    const size = fs.readSync(handle, buffer, 0, READ_AT_MOST, 0);
    const bytes = buffer.subarray(0, size);
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch {
    return null;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

/**
 * A PS1_Log_Script folder's device name: the folder above it (`parent`, empty where there is
 * none) where that is named like the script's zip (it was unzipped there), else the name the
 * script's outputs in `folder` give (where the folder is on disk to read), else the folder above
 * it; a folder named like the script's zip is that device; any other folder keeps its own name.
 */
export function deviceNameOfFolder(name: string, parent: string, folder?: string): string {
  if (!isGatheredFolder(name)) return gatheredZipName(name)?.device ?? name;
  const zipped = gatheredZipName(parent);
  if (zipped) return zipped.device;
  return (folder !== undefined ? hostnameIn(folder) : null) ?? (parent || name);
}
