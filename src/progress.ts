// The progress line of a fleet run, on stderr and only on a terminal: devices done / total,
// devices per second, elapsed time and the verdicts so far, rewritten in place at most a few
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
    const total = this.total > 0 ? `/${this.total}` : '';
    return `ldforensics: ${this.done}${total} devices, ${rate.toFixed(1)}/s, ${Math.round(seconds)} s${counts ? ` · ${counts}` : ''}`;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = this.now();
    if (!force && now - this.lastDrawn < 200) return;
    this.lastDrawn = now;
    const width = Math.max(20, (this.sink.columns ?? 100) - 1);
    this.sink.write(`\r\u001b[2K${this.line().slice(0, width)}`);
    this.shown = true;
  }
}
