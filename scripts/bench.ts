/**
 * `npm run bench`: measures the relay path on the embedded store against the local Bot API fake and
 * writes docs/benchmarks.md. Numbers, not assertions: nothing here fails on a slow machine.
 *
 *   1. latency — customer updates POSTed to the client bot's webhook at a steady rate; the time from
 *      the POST to the MasterBot's sendMessage call reaching the fake (p50/p95/p99/max);
 *   2. throughput — updates POSTed with fixed concurrency as fast as the app answers 200 (each 200
 *      means durably recorded); reported as recorded updates/s;
 *      then CPU per relayed update at a modest steady rate;
 *      1 and 2 run for the app and for the floor (scripts/bench-floor.ts), alternately, BENCH_ROUNDS times;
 *   3. rebuild — a generated history (≥ 200,000 events by default) in an embedded event store file is
 *      replayed by `ProjectionRebuilder` into a fresh MariaDB/MySQL database (MYSQL_TEST_URL); events/s.
 *
 *   4. fairness — master A flooded under the fake's flood limits while master B's customers write (bench-fairness.ts).
 *   5. bots — 1,000 attached bots: polling mode until all are polled, idle RSS; webhook mode idle RSS (bench-bots.ts).
 *
 * `BENCH_ONLY=rebuild` (or `relay`, `fairness`, `bots`) runs one part; the other part's figures in docs/benchmarks.md stay.
 * `BENCH_CPU_PROF=<dir>` starts each relay round's app with `--cpu-prof` into that directory (one `.cpuprofile` per
 * round, written when the app stops); `node dist/scripts/profile-summary.js <file>` summarises one (docs/profile.md).
 * `BENCH_PERF=<dir>` records Linux `perf` on-CPU samples of the app during each round's CPU measurement
 * (`<dir>/app-<round>.data`; the app then runs with --perf-basic-prof); `perf script -i <file> |
 * node dist/scripts/cpu-areas.js 500` gives CPU per relayed update by area.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppProcess, projectRoot } from '../test/support/app-process';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { freePort } from '../test/support/free-port';
import { HistoryGenerator } from '../test/support/history-generator';
import { createMysqlTestDb } from '../test/support/mysql-test-db';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRebuilder, RebuildResult } from '../src/projections/rebuild/projection-rebuilder';
import { PROJECTIONS } from '../src/projections/projection-registry';
import { writeReport } from './bench-report';
import { attachThroughMasterBot, webhookPoster } from './bench-support';
import { benchFairness, FairnessFigures } from './bench-fairness';
import { benchBots, BotsFigures } from './bench-bots';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const LATENCY_SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const THROUGHPUT_UPDATES = Number(process.env.BENCH_UPDATES ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
/** Traffic is spread over this many masters, each with one client bot: a master's own chat is served in order. */
const MASTERS = Number(process.env.BENCH_MASTERS ?? 50);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
/** Fairness: A's flood size and the per-chat rate the fake enforces (Telegram's is about 1/s). */
const FAIR_FLOOD = Number(process.env.BENCH_FLOOD ?? 300); // the flood: ~5 min at 1 msg/s
const FAIR_CHAT_RATE = Number(process.env.BENCH_CHAT_RATE ?? 1);
/** Rounds of app and floor, alternated. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CPU_RATE = Number(process.env.BENCH_CPU_RATE ?? 100);
const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 5);
const FLOOR = join(projectRoot(), 'dist', 'scripts', 'bench-floor.js');
const REBUILD_PAGE_SIZE = Number(process.env.BENCH_REBUILD_PAGE_SIZE ?? 5000);
const ONLY = process.env.BENCH_ONLY ?? 'all';
/** Attached client bots, and how long the app idles before its RSS is read. */
const BOTS = Number(process.env.BENCH_BOTS ?? 1000);
const BOTS_IDLE_SECONDS = Number(process.env.BENCH_BOTS_IDLE_SECONDS ?? 30);
/** Profiling the app's relay rounds: figures taken with it are slower than without (the profiler samples every 1 ms). */
const CPU_PROF = [
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ...(process.env.BENCH_PERF ? ['--perf-basic-prof'] : []),
];
let perfRecordings = 0;

/** The app runs as its own process (as in production), so it does not share a thread with the fake and the load. */
interface Bench {
  fake: TelegramBotApiFake;
  masterBotId: number;
  app: AppProcess;
}

async function main(): Promise<void> {
  if (!['all', 'relay', 'rebuild', 'fairness', 'bots'].includes(ONLY))
    throw new Error(`BENCH_ONLY must be relay, rebuild, fairness or bots, not ${ONLY}`);
  const relay = ONLY === 'all' || ONLY === 'relay' ? await benchRelay() : null;
  const fairness: FairnessFigures | null = ONLY === 'all' || ONLY === 'fairness' ? await benchFairness(FAIR_FLOOD, FAIR_CHAT_RATE) : null;
  const rebuild = ONLY === 'all' || ONLY === 'rebuild' ? await benchRebuild() : null;
  const bots: BotsFigures | null = ONLY === 'all' || ONLY === 'bots' ? await benchBots(BOTS, BOTS_IDLE_SECONDS) : null;
  writeReport(relay, rebuild, fairness, bots, { rate: RATE, masters: MASTERS, concurrency: CONCURRENCY, cpuRate: CPU_RATE, only: ONLY });
}

export interface RelayFigures {
  latency: { total: number; achievedRate: number; p50: number; p95: number; p99: number; max: number };
  throughput: { updates: number; seconds: number; perSecond: number };
  /** CPU time the server process used per relayed update at CPU_RATE updates/s. */
  cpuMsPerUpdate: number;
  rss: number;
}

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
async function benchRelay(): Promise<RelayComparison> {
  const result: RelayComparison = { rounds: ROUNDS, app: [], floor: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of ['app', 'floor'] as const) {
      console.log(`relay round ${round}/${ROUNDS}: ${target}`);
      result[target].push(await benchRelayOnce(target));
    }
  }
  return result;
}

async function benchRelayOnce(target: Target): Promise<RelayFigures> {
  const fake = await TelegramBotApiFake.start();
  const tmp = makeTempDir();
  const port = await freePort();
  const key = randomBytes(32).toString('base64');
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  const base = { MASTER_BOT_TOKEN: masterBot.token, TELEGRAM_API_ROOT: fake.apiRoot, PORT: String(port), DATA_DIR: tmp.dir };
  let app: AppProcess | undefined;
  try {
    let tenants: { url: string; secret: string }[];
    if (target === 'app') {
      // The fake has no flood limits here and the floor paces nothing: measured is the pipeline, not
      // Telegram's 1 message/s per chat (500 updates/s into 50 masters' chats is 10/s each).
      const env = { ...base, PUBLIC_URL: `http://127.0.0.1:${port}`, TOKEN_ENCRYPTION_KEY: key, TELEGRAM_PACING: 'off' };
      app = new AppProcess(env, port, undefined, CPU_PROF);
      await app.start();
      tenants = await attachThroughMasterBot(fake, masterBot, port, new AesTokenCipher(Buffer.from(key, 'base64')), MASTERS);
    } else {
      const routes: Record<string, { secret: string; chatId: number }> = {};
      tenants = Array.from({ length: MASTERS }, (_, i) => {
        const master = fake.createUser({ firstName: `Master${i}` });
        const bot = fake.createBot({ username: `bench_${i}_bot` });
        fake.userSends(masterBot.id, master.id, '/start'); // Telegram lets a bot write only to users who started it
        routes[bot.id] = { secret: randomBytes(16).toString('hex'), chatId: master.id };
        return { url: `http://127.0.0.1:${port}/telegram/client/${bot.id}`, secret: routes[bot.id].secret };
      });
      app = new AppProcess({ ...base, FLOOR_ROUTES: JSON.stringify(routes) }, port, FLOOR);
      await app.start();
    }
    const h: Bench = { fake, masterBotId: masterBot.id, app };

    const post = webhookPoster(tenants);

    // Warm-up: JIT, SQLite page cache, connection pool.
    await Promise.all(Array.from({ length: 200 }, (_, i) => post(`warmup ${i}`, 9_000_000 + (i % 50))));
    await waitForRelays(h, (t) => t.startsWith('warmup'), 200);

    const latency = await measureLatency(h, post);
    const throughput = await measureThroughput(post);
    await waitForRelays(h, (t) => t.startsWith('tp '), THROUGHPUT_UPDATES);
    const cpuMsPerUpdate = await measureCpu(h, post, target === 'app');
    const rss = await app.rssBytes();
    return { latency, throughput, cpuMsPerUpdate, rss };
  } finally {
    await app?.stop();
    await fake.stop();
    tmp.remove();
  }
}

/** CPU the server spends per relayed update at a modest steady rate (CPU_RATE/s for CPU_SECONDS), relays included. */
async function measureCpu(h: Bench, post: (text: string, customerId: number) => Promise<number>, record: boolean): Promise<number> {
  const total = CPU_RATE * CPU_SECONDS;
  const perf = record ? await startPerf(h.app) : undefined;
  const before = await h.app.cpuMs();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / CPU_RATE - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(post(`cpu ${i}`, 3_000_000 + (i % 1000)));
  }
  await Promise.all(inflight);
  await waitForRelays(h, (t) => t.startsWith('cpu '), total);
  const cpuMs = (await h.app.cpuMs()) - before;
  await perf?.stop();
  return cpuMs / total;
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

async function waitForRelays(h: Bench, match: (text: string) => boolean, count: number): Promise<void> {
  await h.fake.waitFor(() => h.fake.sent(h.masterBotId).filter((s) => match((s.text ?? '').split('\n\n')[1] ?? '')).length >= count, {
    timeoutMs: 120_000,
  });
}

async function measureLatency(h: Bench, post: (text: string, customerId: number) => Promise<number>) {
  const total = RATE * LATENCY_SECONDS;
  const postedAt = new Map<string, number>();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const text = `lat ${i}`;
    postedAt.set(text, Date.now());
    inflight.push(post(text, 1_000_000 + (i % 1000)));
  }
  await Promise.all(inflight);
  const achievedRate = total / ((performance.now() - start) / 1000);
  await waitForRelays(h, (t) => t.startsWith('lat '), total);
  const samples = h.fake
    .sent(h.masterBotId)
    .map((s) => ({ text: (s.text ?? '').split('\n\n')[1] ?? '', at: s.at }))
    .filter((s) => postedAt.has(s.text))
    .map((s) => s.at - postedAt.get(s.text)!)
    .sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return { total, achievedRate, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: samples[samples.length - 1] };
}

async function measureThroughput(post: (text: string, customerId: number) => Promise<number>) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < THROUGHPUT_UPDATES) {
        const i = next++;
        await post(`tp ${i}`, 2_000_000 + (i % 1000));
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { updates: THROUGHPUT_UPDATES, seconds, perSecond: THROUGHPUT_UPDATES / seconds };
}

export interface RebuildFigures {
  events: number;
  writeSeconds: number;
  result: RebuildResult;
  rows: Record<string, number>;
  pageSize: number;
}

/**
 * Generates a realistic history (masters, bots, conversations with messages, relays, replies, edits,
 * bans, reminders, Pro periods) into an embedded event store file, then rebuilds every projection
 * from it into a fresh MariaDB/MySQL database with the migrations run: what `projections rebuild --all`
 * does against a production read-model database.
 */
async function benchRebuild(): Promise<RebuildFigures> {
  const tmp = makeTempDir('fb-bench-rebuild-');
  const file = join(tmp.dir, 'events.sqlite');
  let store = new SqliteEventStore(file);
  const db = await createMysqlTestDb();
  try {
    const generator = new HistoryGenerator(store, { seed: 1, inFlight: 2000 });
    const writing = performance.now();
    await generator.run(REBUILD_EVENTS);
    const writeSeconds = (performance.now() - writing) / 1000;
    console.log(`history: ${generator.appended} events written in ${writeSeconds.toFixed(1)} s`);
    // Reopened, as the CLI finds it: closing checkpoints the write-ahead log into the database file.
    await store.close();
    store = new SqliteEventStore(file);

    const dataSource = await openReadModels({ databaseUrl: db.url, dataDir: tmp.dir });
    try {
      let lastLog = 0;
      const result = await new ProjectionRebuilder(store, dataSource).rebuild('all', {
        pageSize: REBUILD_PAGE_SIZE,
        onProgress: (p) => {
          if (p.events - lastLog < 50_000 && p.phase === 'replay') return;
          lastLog = p.events;
          console.log(`rebuild ${p.phase}: ${p.events} events, ${p.eventsPerSecond} events/s`);
        },
      });
      const rows: Record<string, number> = {};
      for (const table of PROJECTIONS.flatMap((p) => p.tables)) {
        const [{ n }]: { n: string | number }[] = await dataSource.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
        rows[table] = Number(n);
      }
      return { events: generator.appended, writeSeconds, result, rows, pageSize: REBUILD_PAGE_SIZE };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await store.close();
    await db.drop();
    tmp.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
