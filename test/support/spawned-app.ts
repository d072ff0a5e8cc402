import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, Server, Socket, connect } from 'node:net';
import { MAIN } from './app-process';
import { freePort } from './free-port';
import { makeTempDir } from './temp-dir';
import { engineSettings } from './test-engines';

/** How a start that was meant to fail ended: its exit code and everything it printed. */
export interface FailedStart {
  code: number | null;
  output: string;
  /** The printed lines, without blank ones. */
  lines: string[];
}

/** Runs `node dist/src/main.js` with exactly `env` (and PATH) and resolves once it exits; kills it after `timeoutMs`. */
export function runUntilExit(env: Record<string, string>, timeoutMs = 20_000): Promise<FailedStart> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app was expected to exit but still ran after ${timeoutMs} ms:\n${chunks.join('')}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const output = chunks.join('');
      resolve({ code, output, lines: output.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}

/**
 * A TCP port that refuses connections until `open()`, then forwards each to `target`: "Telegram is
 * unreachable, then back" for an app whose TELEGRAM_API_ROOT points here.
 */
export class LateProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.targetPort, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * The environment of a real app process against the Bot API fake: a fresh DATA_DIR (removed by `cleanups`), a free
 * port, its own key; `overrides` win. Only these variables and PATH reach the process (no developer's .env values).
 * In the `e2e-production` jest project it also names an EventStoreDB and a fresh MariaDB database (released by
 * `cleanups`; see `test-engines.ts`), except those `overrides` name.
 */
export async function spawnedAppSettings(
  fake: { apiRoot: string },
  masterBotToken: string,
  cleanups: { push(undo: () => unknown): void },
  overrides: Record<string, string> = {},
): Promise<Record<string, string>> {
  const tmp = makeTempDir();
  cleanups.push(tmp.remove);
  const engines = await engineSettings(overrides);
  cleanups.push(engines.release);
  return {
    MASTER_BOT_TOKEN: masterBotToken,
    TELEGRAM_API_ROOT: fake.apiRoot,
    PORT: String(await freePort()),
    DATA_DIR: tmp.dir,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...engines.env,
    ...overrides,
  };
}
