// The progress line of a fleet run, on stderr and only on a terminal: devices done / total and
// the percent, devices per second, elapsed time, the time left at that rate, and the verdicts so far, rewritten in place at most a few
// times a second and cleared at the end, so nothing of it lands in a report or a pipe.
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export class Progress {
  private total = 0;
  private done = 0;
  private readonly verdicts = new Map<string, number>();
  private readonly started: number;
  private lastDrawn = -Infinity;
  private shown = false;

  constructor(private readonly sink: ProgressSink, private readonly enabled: boolean, private readonly now: () => number = Date.now) {
    this.started = now();
  }

  planned(total: number): void {
    this.total = total;
    this.draw(true);
  }

  device(verdict: string): void {
    this.done += 1;
    this.verdicts.set(verdict, (this.verdicts.get(verdict) ?? 0) + 1);
    this.draw(false);
  }

  /** A line of its own on the same stream (a note): the progress line is cleared first and drawn again after it. */
  interrupt(text: string): void {
    this.end();
    this.sink.write(text);
    this.draw(true);
  }

  /** Clears the line: the terminal is left as it was. */
  end(): void {
    if (this.shown) this.sink.write('\r\u001b[2K');
    this.shown = false;
  }

  line(): string {
    const seconds = Math.max(0.001, (this.now() - this.started) / 1000);
    const rate = this.done / seconds;
    const counts = [...this.verdicts].sort((a, b) => b[1] - a[1]).map(([verdict, n]) => `${verdict} ${n}`).join(', ');
    // The plan is known before the first device: the share of it done, and at this rate, the time left.
    const known = this.total > 0 && this.done <= this.total;
    const total = known ? `/${this.total}` : '';
    const percent = known ? ` (${Math.floor((this.done / this.total) * 100)} %)` : '';
    const left = known && this.done > 0 && this.done < this.total ? `, about ${duration((this.total - this.done) / rate)} left` : '';
    return `ldforensics: ${this.done}${total} devices${percent}, ${rate.toFixed(1)}/s, ${duration(seconds)}${left}${counts ? ` · ${counts}` : ''}`;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = this.now();
    if (!force && now - this.lastDrawn < 200) return;
    this.lastDrawn = now;
    const width = Math.max(20, (this.sink.columns ?? 100) - 1);
    this.sink.write(`\r\u001b[2K${fitWords(this.line(), width)}`);
    this.shown = true;
  }
}

/** "45 s", "3 min 20 s", "1 h 5 min": a time a reader takes in at a glance. */
function duration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/** The line cut at the last word that fits (never through a word or a verdict's name), with "…". */
export function fitWords(line: string, width: number): string {
  if (line.length <= width) return line;
  const cut = line.lastIndexOf(' ', width - 1);
  // The counts after "·" go first; a line with no blank to cut at is cut where it must be.
  return cut > 0 ? `${line.slice(0, cut).replace(/[,·]$/, '').trimEnd()} …` : `${line.slice(0, width - 1)}…`;
}
