/**
 * `npm run bench`: measures the relay path against the local Bot API fake and writes docs/benchmarks.md.
 * Numbers, not assertions: nothing here fails on a slow machine.
 *
 *   1. relay — the app on the embedded store beside its floor (scripts/bench-floor.ts), alternately,
 *      BENCH_ROUNDS times (default 3): latency, recorded updates/s, CPU per relayed update (bench-measure.ts);
 *   2. replicas — the same measures for 1, 2 and 3 app processes on the EventStoreDB double and MariaDB read
 *      models, webhooks spread round-robin over them, beside the same floor (bench-replicas.ts; default 1 round);
 *   3. rebuild — a generated history (≥ 200,000 events by default) in an embedded event store file is
 *      replayed by `ProjectionRebuilder` into a fresh MariaDB/MySQL database (MYSQL_TEST_URL); events/s;
 *   4. fairness — master A flooded under the fake's flood limits while master B's customers write (bench-fairness.ts);
 *   5. bots — 1,000 attached bots: polling mode until all are polled, idle RSS; webhook mode idle RSS (bench-bots.ts);
 *   6. inboxes — each inbox mode's sustained relay rate and latency under the fake's flood limits, beside what
 *      Telegram's limits allow (bench-inboxes.ts; about 4 minutes).
 *
 * `BENCH_ONLY=relay` (or `replicas`, `rebuild`, `fairness`, `bots`, `inboxes`) runs one part; the other parts' figures in
 * docs/benchmarks.md stay.
 * `BENCH_CPU_PROF=<dir>` starts each relay round's app with `--cpu-prof` into that directory (one `.cpuprofile` per
 * round, written when the app stops); `node dist/scripts/profile-summary.js <file>` summarises one (docs/profile.md).
 * `BENCH_PERF=<dir>` records Linux `perf` on-CPU samples of the app during each round's CPU measurement
 * (`<dir>/app-<round>.data`; the app then runs with --perf-basic-prof); `perf script -i <file> |
 * node dist/scripts/cpu-areas.js 500` gives CPU per relayed update by area.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { makeTempDir } from '../test/support/temp-dir';
import { HistoryGenerator } from '../test/support/history-generator';
import { createMysqlTestDb } from '../test/support/mysql-test-db';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRebuilder } from '../src/projections/rebuild/projection-rebuilder';
import { RebuildResult } from '../src/projections/rebuild/rebuild.types';
import { PROJECTIONS } from '../src/projections/projection-registry';
import { writeReport } from './bench-report';
import { benchRelay } from './bench-relay';
import { RELAY_LOAD } from './bench-measure';
import { benchReplicas, ReplicaComparison } from './bench-replicas';
import { benchFairness, FairnessFigures } from './bench-fairness';
import { benchBots, BotsFigures } from './bench-bots';
import { benchInboxes, InboxesFigures } from './bench-inboxes';

const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
/** Fairness: A's flood size and the per-chat rate the fake enforces (Telegram's is about 1/s). */
const FAIR_FLOOD = Number(process.env.BENCH_FLOOD ?? 300); // the flood: ~5 min at 1 msg/s
const FAIR_CHAT_RATE = Number(process.env.BENCH_CHAT_RATE ?? 1);
const REBUILD_PAGE_SIZE = Number(process.env.BENCH_REBUILD_PAGE_SIZE ?? 5000);
const ONLY = process.env.BENCH_ONLY ?? 'all';
const PARTS = ['relay', 'replicas', 'rebuild', 'fairness', 'bots', 'inboxes'];
/** Attached client bots, and for how long each mode's idle RSS is sampled (scripts/bench-bots.ts). */
const BOTS = Number(process.env.BENCH_BOTS ?? 1000);
const BOTS_IDLE_SECONDS = Number(process.env.BENCH_BOTS_IDLE_SECONDS ?? 60);

async function main(): Promise<void> {
  if (ONLY !== 'all' && !PARTS.includes(ONLY)) throw new Error(`BENCH_ONLY must be one of ${PARTS.join(', ')}, not ${ONLY}`);
  const runs = (part: string) => ONLY === 'all' || ONLY === part;
  const load = loadavg();
  console.log(`load average at the start: ${load.map((n) => n.toFixed(2)).join(', ')}`);
  const relay = runs('relay') ? await benchRelay() : null;
  const replicas: ReplicaComparison | null = runs('replicas') ? await benchReplicas() : null;
  const fairness: FairnessFigures | null = runs('fairness') ? await benchFairness(FAIR_FLOOD, FAIR_CHAT_RATE) : null;
  const rebuild = runs('rebuild') ? await benchRebuild() : null;
  const bots: BotsFigures | null = runs('bots') ? await benchBots(BOTS, BOTS_IDLE_SECONDS) : null;
  const inboxes: InboxesFigures | null = runs('inboxes') ? await benchInboxes() : null;
  writeReport({ relay, replicas, rebuild, fairness, bots, inboxes }, { ...RELAY_LOAD, only: ONLY });
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
