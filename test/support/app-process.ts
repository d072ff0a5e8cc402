import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/**
 * The real app as a separate OS process (`node dist/src/main.js`), so a test can kill it with SIGKILL —
 * no shutdown hooks, no flushing — and start it again over the same data.
 */
export class AppProcess {
  private child?: ChildProcess;
  readonly output: string[] = [];

  constructor(private readonly env: Record<string, string>, private readonly port: number) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${this.output.join('')}`);
      const ok = await fetch(`http://127.0.0.1:${this.port}/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`app did not become healthy:\n${this.output.join('')}`);
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
