import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { projectRoot } from './support/app-process';
import { freePort } from './support/free-port';
import { TelegramBotApiFake } from './support/telegram-bot-api.fake';
import { makeTempDir } from './support/temp-dir';

/** Every process below `pid` (its children, theirs…), from `ps`. */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0;) {
    frontier = table.filter(([, ppid]) => frontier.includes(ppid)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200)))
    if (await check()) return true;
  return check();
}

/** An operator runs `npm start` as the README says, then stops it the way a supervisor does: SIGTERM to npm. */
describe('npm start', () => {
  const tmp = makeTempDir();
  let fake: TelegramBotApiFake;
  let npm: ChildProcess | undefined;
  let started: number[] = [];
  afterAll(async () => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (npm?.pid && alive(npm.pid)) npm.kill('SIGKILL');
    await fake?.stop();
    tmp.remove();
  });

  it('stops the app on SIGTERM to npm: the node process is gone, its port closed, and it said it stopped in one line', async () => {
    fake = await TelegramBotApiFake.start();
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
    const port = await freePort();
    const output: string[] = [];
    npm = spawn('npm', ['start'], {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmp.dir,
        MASTER_BOT_TOKEN: masterBot.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        PORT: String(port),
        DATA_DIR: tmp.dir,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    npm.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    const healthy = () =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
    // `npm start` builds first.
    expect(await until(healthy, 110_000)).toBe(true);
    started = descendants(npm.pid ?? 0);
    expect(started.length).toBeGreaterThan(0);

    const npmExited = new Promise((resolve) => npm?.once('exit', resolve));
    npm.kill('SIGTERM');
    expect(await until(() => !started.some(alive), 15_000)).toBe(true);
    expect(await healthy()).toBe(false);
    await npmExited;
    expect(output.join('').match(/FeedbackBots stopped/g)).toEqual(['FeedbackBots stopped']);
  }, 150_000);
});
