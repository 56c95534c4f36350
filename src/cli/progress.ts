/** A one-line progress indicator on a TTY, shown only once a scan has run for a second. */
export class Progress {
  private readonly started: number;
  private lastDraw = 0;
  private drawn = false;
  constructor(
    private readonly stream: NodeJS.WriteStream & { isTTY?: boolean },
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  static enabled(stream: NodeJS.WriteStream, opts: { quiet?: boolean; progress?: boolean }): boolean {
    return Boolean(stream.isTTY) && !opts.quiet && opts.progress !== false && !process.env.CI;
  }

  tick(path: string, index: number): void {
    const now = this.now();
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    const cols = this.stream.columns ?? 80;
    const spin = '|/-\\'[Math.floor(now / 120) % 4];
    const head = `${spin} scanning: ${index + 1} files  `;
    const room = Math.max(0, cols - head.length - 1);
    const tail = path.length > room ? '…' + path.slice(path.length - room + 1) : path;
    this.stream.write(`\r${head}${tail}\x1b[K`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }
}
