// The processes the gathering script saw running (Process_Commandline.log) as timeline entries:
// "vulscan.exe was still running when these logs were gathered". The list has no times of its
// own: it was written when the logs were gathered, after every log line, so it is placed at its
// file's time where that is after the last line, and at the last line where it is not (a copy
// that did not keep the time, or another machine's clock). The rules never read these entries:
// they are evidence for the reader, not lines of a log.
import type { RunningAtGathering } from '../ingest/gathering-processes.js';
import type { Event, WallTime } from '../types.js';
import { lastLogLineTime } from './runs.js';

export interface GatheringEntry {
  time: WallTime;
  /** Where the time comes from. */
  timeFrom: 'file time' | 'after the last log line';
  seen: RunningAtGathering;
  text: string;
}

export function gatheringEntries(running: readonly RunningAtGathering[], events: readonly Event[]): GatheringEntry[] {
  if (running.length === 0) return [];
  const lastLine = lastLogLineTime(events);
  // Neither a file time nor a log line: no place on a timeline (the device's note still says it).
  return running.filter((seen) => seen.modified !== undefined || Number.isFinite(lastLine)).map((seen) => {
    const fromFile = seen.modified !== undefined && seen.modified >= lastLine;
    return {
      time: fromFile ? (seen.modified ?? lastLine) : lastLine,
      timeFrom: fromFile ? 'file time' : 'after the last log line',
      seen,
      text: `${seen.process}.exe was still running when these logs were gathered: ${seen.text}`,
    };
  });
}
