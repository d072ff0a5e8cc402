/** Writing for people (aligned tables, a progress line) and for machines (JSON, NDJSON) from one place. */

export function writeLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * A progress line on stderr (stdout stays clean for redirection). On a terminal it redraws in place;
 * in a log (CI, a pipe) it prints a line at most every `everyMs`, and always the last one.
 */
export class ProgressLine {
  private lastPrint = 0;
  private drawn = false;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly everyMs = 2000) {}

  update(text: string, force = false): void {
    const now = Date.now();
    if (this.tty) {
      if (!force && now - this.lastPrint < 100) return;
      process.stderr.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      if (!force && now - this.lastPrint < this.everyMs) return;
      process.stderr.write(`${text}\n`);
    }
    this.lastPrint = now;
  }

  done(text?: string): void {
    if (text !== undefined) this.update(text, true);
    if (this.tty && this.drawn) process.stderr.write('\n');
    this.drawn = false;
  }
}

/** `[#########-----------]  45%` — the share done, from 0 to 1 (unknown: a bar of dots). */
export function bar(share: number | null, width = 24): string {
  if (share === null || !Number.isFinite(share)) return `[${'·'.repeat(width)}]`;
  const clamped = Math.min(1, Math.max(0, share));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}%`;
}
