// A device's history in one bundle (FORMATS.md: "A bundle is a device's history, not one run"):
// a story's files moved in time, and two stories' logs appended as an agent appends to its logs.
import { schedulerDate, stamp, type BundleFiles } from './bundle.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE = /(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2})/g;

/** Every time in a text moved on by `seconds`: line stamps, the scheduler's /start values, .stat epochs. Year-3000 starts stay. */
export function shiftText(text: string, seconds: number): string {
  return text
    .replace(DATE, (whole, day: string, month: string, year: string, h: string, m: string, s: string) => {
      if (Number(year) >= 2100) return whole;
      const wall = Date.UTC(Number(year), MONTHS.indexOf(month), Number(day), Number(h), Number(m), Number(s)) + seconds * 1000;
      return whole.includes(',') ? stamp(wall) : schedulerDate(wall);
    })
    .replace(/<LastRunTime>(\d+)<\/LastRunTime>/g, (_whole, epoch: string) => `<LastRunTime>${Number(epoch) + seconds}</LastRunTime>`);
}

/** A bundle's files with every time moved on by `seconds`. */
export function shiftBundle(files: BundleFiles, seconds: number): BundleFiles {
  return Object.fromEntries(Object.entries(files).map(([file, text]) => [file, shiftText(text, seconds)]));
}

/**
 * Several runs of a device in one bundle, oldest first: each log holds its runs one after the
 * other; a file that is a snapshot (a task's .stat, the scheduler's task list) is the latest's.
 */
export function history(...runs: readonly BundleFiles[]): BundleFiles {
  const files: Record<string, string> = {};
  for (const run of runs) {
    for (const [file, text] of Object.entries(run)) {
      const snapshot = /\.stat$|LocalSchedulerTasks\.log$/i.test(file);
      files[file] = snapshot || files[file] === undefined ? text : files[file] + text;
    }
  }
  return files;
}

export const HOURS = 3600;
export const DAYS = 24 * HOURS;
