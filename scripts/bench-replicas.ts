/**
 * `BENCH_ONLY=replicas npm run bench`: the relay path on the production engines — the EventStoreDB double
 * (test/support/eventstore-double, a gRPC server in this bench's own process) and a fresh MariaDB read-model
 * database — with 1, 2 and 3 app processes (`BENCH_REPLICAS=1,2,3`) sharing one DATA_DIR as the replicas of one
 * host do. Webhook POSTs go to the replicas in turn (what Caddy does with `--scale app=N`); the MasterBot's own
 * updates reach them through a round-robin proxy at PUBLIC_URL. Measured as the embedded relay (bench-measure.ts),
 * beside the same floor (bench-floor.ts) run in the same rounds; CPU and memory are the sums over the replicas.
 *
 * A round is the floor, then each replica count. `BENCH_ROUNDS` rounds (default 1: the machine is shared). The load is
 * lighter than the embedded relay part's (BENCH_REPLICA_RATE, BENCH_REPLICA_SECONDS, BENCH_REPLICA_UPDATES,
 * BENCH_REPLICA_CPU_RATE, BENCH_REPLICA_CPU_SECONDS): on this shared 2-core machine, busy with other work, a replica
 * on the double recorded 20–40 updates/s, and latency measured past that is queueing; the floor runs the same
 * lighter load, so the ratios compare like with like.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppProcess } from '../test/support/app-process';
import { EventStoreDouble } from '../test/support/eventstore-double';
import { freePort } from '../test/support/free-port';
import { createMysqlTestDb } from '../test/support/mysql-test-db';
import { RoundRobinProxy } from '../test/support/round-robin-proxy';
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { makeTempDir } from '../test/support/temp-dir';
import { measureRelay, RELAY_LOAD, RelayFigures, RelayLoad } from './bench-measure';
import { benchRelayOnce } from './bench-relay';
import { attachThroughMasterBot, webhookPoster } from './bench-support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const COUNTS = (process.env.BENCH_REPLICAS ?? '1,2,3').split(',').map(Number);
const HEALTH_TOKEN = randomBytes(16).toString('hex');
const REPLICA_LOAD: RelayLoad = {
  ...RELAY_LOAD,
  rate: Number(process.env.BENCH_REPLICA_RATE ?? 20),
  latencySeconds: Number(process.env.BENCH_REPLICA_SECONDS ?? 10),
  throughputUpdates: Number(process.env.BENCH_REPLICA_UPDATES ?? 600),
  intakeUpdates: 0,
  cpuRate: Number(process.env.BENCH_REPLICA_CPU_RATE ?? 20),
  cpuSeconds: Number(process.env.BENCH_REPLICA_CPU_SECONDS ?? 10),
};

export interface ReplicaFigures extends RelayFigures {
  /** How many processors (projections, reactors, intake, scheduler) each replica ran at the end. */
  runs: number[];
}

export interface ReplicaComparison {
  rounds: number;
  counts: number[];
  load: RelayLoad;
  floor: RelayFigures[];
  /** By replica count, one entry per round. */
  app: Record<number, ReplicaFigures[]>;
  /** The machine's load average (1, 5, 15 min) before the first round and after the last. */
  loadAverage: { start: number[]; end: number[] };
}

export async function benchReplicas(): Promise<ReplicaComparison> {
  if (COUNTS.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`BENCH_REPLICAS must list replica counts, not ${COUNTS.join(',')}`);
  const result: ReplicaComparison = {
    rounds: ROUNDS,
    counts: COUNTS,
    load: REPLICA_LOAD,
    floor: [],
    app: {},
    loadAverage: { start: loadavg(), end: [] },
  };
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`replicas round ${round}/${ROUNDS}: floor`);
    result.floor.push(await benchRelayOnce('floor', REPLICA_LOAD));
    for (const count of COUNTS) {
      console.log(`replicas round ${round}/${ROUNDS}: ${count} replica(s) on the EventStoreDB double + MariaDB`);
      (result.app[count] ??= []).push(await benchReplicasOnce(count));
    }
  }
  result.loadAverage.end = loadavg();
  return result;
}

async function benchReplicasOnce(count: number): Promise<ReplicaFigures> {
  const fake = await TelegramBotApiFake.start();
  const double = await EventStoreDouble.start();
  const db = await createMysqlTestDb();
  const tmp = makeTempDir();
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const proxy = await RoundRobinProxy.start(ports);
  const key = randomBytes(32).toString('base64');
  const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  const env = {
    MASTER_BOT_TOKEN: masterBot.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATA_DIR: tmp.dir,
    TOKEN_ENCRYPTION_KEY: key,
    EVENTSTORE_URL: double.url,
    DATABASE_URL: db.url,
    PUBLIC_URL: proxy.url,
    HEALTH_TOKEN,
    // As in the embedded relay bench: the pipeline is measured, not Telegram's 1 message/s per chat.
    TELEGRAM_PACING: 'off',
  };
  const replicas = ports.map((port) => new AppProcess({ ...env, PORT: String(port) }, port));
  try {
    // One after the other, as a fresh `--scale` starts them: the first one up takes the free leases.
    for (const replica of replicas) await replica.start();
    const cipher = new AesTokenCipher(Buffer.from(key, 'base64'));
    const tenants = await attachThroughMasterBot(fake, masterBot, ports[0], cipher, REPLICA_LOAD.masters);
    const sum = async (read: (r: AppProcess) => Promise<number>) => (await Promise.all(replicas.map(read))).reduce((a, b) => a + b, 0);
    const figures = await measureRelay(
      { fake, masterBotId: masterBot.id, cpuMs: () => sum((r) => r.cpuMs()), rssBytes: () => sum((r) => r.rssBytes()) },
      webhookPoster(tenants, ports),
      REPLICA_LOAD,
    );
    const runs = await Promise.all(ports.map((port) => runsHere(port)));
    return { ...figures, runs: runs.map((names) => names.length) };
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await proxy.stop();
    await fake.stop();
    await double.stop();
    await db.drop();
    tmp.remove();
  }
}

/** The processors a replica runs, from its /health (`replica.runsHere`). */
async function runsHere(port: number): Promise<string[]> {
  const answer = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
  const body = (await answer.json()) as { details?: { replica?: { runsHere?: string[] } } };
  return body.details?.replica?.runsHere ?? [];
}
