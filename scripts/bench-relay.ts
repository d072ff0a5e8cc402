/**
 * The relay part of `npm run bench` (see bench.ts): the whole app on the embedded store beside its floor
 * (bench-floor.ts), alternated round by round; and the measurements every relay bench shares (bench-replicas.ts
 * runs the same ones on replicas). Settings come from the environment (BENCH_RATE, BENCH_SECONDS, …).
 */
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppProcess, projectRoot } from '../test/support/app-process';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { freePort } from '../test/support/free-port';
import { attachThroughMasterBot, webhookPoster } from './bench-support';
import { measureRelay, RELAY_LOAD, RelayFigures, RelayLoad } from './bench-measure';

/** Rounds of app and floor, alternated. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FLOOR = join(projectRoot(), 'dist', 'scripts', 'bench-floor.js');
/** Profiling the app's relay rounds: figures taken with it are slower than without (the profiler samples every 1 ms). */
const CPU_PROF = [
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ...(process.env.BENCH_PERF ? ['--perf-basic-prof'] : []),
];
let perfRecordings = 0;

type Target = 'app' | 'floor';
export interface RelayComparison {
  rounds: number;
  app: RelayFigures[];
  floor: RelayFigures[];
}

/**
 * The app and the floor (scripts/bench-floor.ts) on the same load, alternately (app, floor, app, floor …), each
 * round on a fresh fake and a fresh data directory: this machine is noisy, so medians and ratios are what count.
 */
export async function benchRelay(): Promise<RelayComparison> {
  const result: RelayComparison = { rounds: ROUNDS, app: [], floor: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of ['app', 'floor'] as const) {
      console.log(`relay round ${round}/${ROUNDS}: ${target}`);
      result[target].push(await benchRelayOnce(target));
    }
  }
  return result;
}

/** One round of the app on the embedded store, or of the floor. The app runs as its own process, as in production. */
export async function benchRelayOnce(target: Target, load: RelayLoad = RELAY_LOAD): Promise<RelayFigures> {
  const fake = await TelegramBotApiFake.start();
  const tmp = makeTempDir();
  const port = await freePort();
  const key = randomBytes(32).toString('base64');
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  const base = { MASTER_BOT_TOKEN: masterBot.token, TELEGRAM_API_ROOT: fake.apiRoot, PORT: String(port), DATA_DIR: tmp.dir };
  const masters = load.masters;
  let app: AppProcess | undefined;
  try {
    let tenants: { url: string; secret: string }[];
    if (target === 'app') {
      // The fake has no flood limits here and the floor paces nothing: measured is the pipeline, not
      // Telegram's 1 message/s per chat (500 updates/s into 50 masters' chats is 10/s each).
      const env = { ...base, PUBLIC_URL: `http://127.0.0.1:${port}`, TOKEN_ENCRYPTION_KEY: key, TELEGRAM_PACING: 'off' };
      app = new AppProcess(env, port, undefined, CPU_PROF);
      await app.start();
      tenants = await attachThroughMasterBot(fake, masterBot, port, new AesTokenCipher(Buffer.from(key, 'base64')), masters);
    } else {
      const routes: Record<string, { secret: string; chatId: number }> = {};
      tenants = Array.from({ length: masters }, (_, i) => {
        const master = fake.createUser({ firstName: `Master${i}` });
        const bot = fake.createBot({ username: `bench_${i}_bot` });
        fake.userSends(masterBot.id, master.id, '/start'); // Telegram lets a bot write only to users who started it
        routes[bot.id] = { secret: randomBytes(16).toString('hex'), chatId: master.id };
        return { url: `http://127.0.0.1:${port}/telegram/client/${bot.id}`, secret: routes[bot.id].secret };
      });
      app = new AppProcess({ ...base, FLOOR_ROUTES: JSON.stringify(routes) }, port, FLOOR);
      await app.start();
    }
    const server = app;
    return await measureRelay(
      {
        fake,
        masterBotId: masterBot.id,
        cpuMs: () => server.cpuMs(),
        rssBytes: () => server.rssBytes(),
        recordCpu: target === 'app' ? () => startPerf(server) : undefined,
      },
      webhookPoster(tenants),
      load,
    );
  } finally {
    await app?.stop();
    await fake.stop();
    tmp.remove();
  }
}

/** With BENCH_PERF: `perf record` on the app until stopped (the app's relay rounds only). */
async function startPerf(app: AppProcess): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PERF;
  if (!dir || app.pid === undefined) return undefined;
  const { spawn } = await import('node:child_process');
  const file = join(dir, `app-${++perfRecordings}.data`);
  const recorder = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-o', file, '-p', String(app.pid)], { stdio: 'ignore' });
  const exited = new Promise((resolve) => recorder.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500)); // attached before the load starts
  return {
    stop: async () => {
      recorder.kill('SIGINT');
      await exited;
    },
  };
}
