import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root, whether this file runs from test/support (jest) or dist/test/support (node). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const MAIN = join(projectRoot(), 'dist', 'src', 'main.js');

/** Extra node flags for the app process, e.g. APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench. */
const nodeArgs = (): string[] => (process.env.APP_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * The real app as a separate OS process (`node dist/src/main.js`), so a test can kill it with SIGKILL —
 * no shutdown hooks, no flushing — and start it again over the same data.
 */
export class AppProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];

  /**
   * `script`: another server to run the same way (the bench's floor); it must print the same "started" line.
   * `extraNodeArgs`: node flags for this process only (the bench's `BENCH_CPU_PROF` profiles the app, not the floor).
   */
  constructor(
    private readonly env: Record<string, string>,
    private readonly port: number,
    private readonly script = MAIN,
    private readonly extraNodeArgs: string[] = [],
  ) {
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first (npm test does)`);
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [...nodeArgs(), ...this.extraNodeArgs, this.script], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${this.output.join('')}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      // Readiness comes once the port is bound; Telegram intake starts after it and ends with the "started"
      // line (not printed when LOG_LEVEL hides `log` lines): started means both.
      const quiet = ['error', 'warn'].includes(this.env.LOG_LEVEL ?? '');
      if (ok && (quiet || this.output.join('').includes('FeedbackBots started'))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`app did not start:\n${this.output.join('')}`);
  }

  /** The OS process id (undefined before start). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** CPU time (user + system) the process has used so far, in milliseconds, from /proc (Linux). */
  async cpuMs(): Promise<number> {
    const stat = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${this.child?.pid}/stat`, 'utf8'));
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  }

  /** Resident memory of the app process, from /proc (Linux). */
  async rssBytes(): Promise<number> {
    const status = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${this.child?.pid}/status`, 'utf8'));
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  /** SIGTERM: a graceful stop (shutdown hooks run). */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return; // already ended (a signal leaves exitCode null)
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
