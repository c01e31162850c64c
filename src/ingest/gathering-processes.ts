// Process_Commandline.log: the processes running when the vendor's gathering script ran, with
// their command lines (FORMATS.md; UTF-8 with a BOM, or UTF-16LE). An EPM process still running
// then is evidence the logs cannot give: "vulscan was still running when these logs were gathered".
import type { WallTime } from '../types.js';
import type { SourceFile } from './source.js';
import { readProgress } from './read-progress.js';

export const PROCESS_LIST_NAME = 'process_commandline.log';
/** The list is a screenful of processes; anything much larger is not this file. */
const READ_AT_MOST = 4 * 1024 * 1024;
const EPM_PROCESS = /\b(vulscan|sdclient|policysync|ldprovision)\.exe\b/i;

function textOf(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  // UTF-16LE without a BOM: every other byte of ASCII text is zero.
  if (bytes.length > 1 && bytes[1] === 0 && bytes[0] !== 0) return bytes.toString('utf16le');
  return bytes.toString('utf8');
}

/** An EPM process the list names: its executable, its line as written (trimmed, cut to a readable length), and where. */
export interface ProcessAtGathering {
  /** vulscan, sdclient, policysync or ldprovision (lower case, without .exe). */
  process: string;
  text: string;
  /** 1-based line of the list. */
  line: number;
}

/** A process the gathering script's list saw running, where it saw it, and when the list was written (its file's time). */
export interface RunningAtGathering extends ProcessAtGathering {
  file: string;
  modified?: WallTime;
}

/** The EPM processes the list names, in its order (ten at the most: a list of more is not a process list). */
export async function epmProcessesAtGathering(source: SourceFile): Promise<ProcessAtGathering[]> {
  if (source.size > READ_AT_MOST) return [];
  readProgress(source.path);
  const opened = await source.open();
  let bytes: Buffer;
  if (Buffer.isBuffer(opened)) bytes = opened;
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of opened) {
      readProgress();
      chunks.push(chunk as Buffer);
    }
    bytes = Buffer.concat(chunks);
  }
  const seen: ProcessAtGathering[] = [];
  const lines = textOf(bytes).split(/\r?\n/);
  for (let index = 0; index < lines.length && seen.length < 10; index += 1) {
    const line = lines[index] ?? '';
    const process = EPM_PROCESS.exec(line)?.[1]?.toLowerCase();
    if (process === undefined) continue;
    const text = line.trim().replace(/\s+/g, ' ');
    seen.push({ process, text: text.length > 300 ? `${text.slice(0, 300)}…` : text, line: index + 1 });
  }
  return seen;
}
