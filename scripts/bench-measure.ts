/**
 * What every relay bench measures, the same way for the app, its floor and the app's replicas (bench.ts):
 *
 *   1. latency — customer updates POSTed to client bots' webhooks at a steady rate; the time from the POST to
 *      the MasterBot's sendMessage call reaching the fake (p50/p95/p99/max);
 *   2. throughput — updates POSTed with fixed concurrency as fast as the server answers 200 (each 200 means
 *      durably recorded); recorded updates/s, how many were relayed by then, and updates/s recorded *and*
 *      relayed (from the first POST to the last relay reaching the fake);
 *   3. CPU per relayed update at a modest steady rate, relays included (the server processes' user + system time);
 *   4. intake alone — the throughput phase again with the MasterBot's sendMessage hanging (the fake holds each call
 *      unanswered), so no relay completes and nothing is relayed meanwhile: the recording capacity by itself, the
 *      same for a target whose relays would run while it records and one whose relays mostly do not (the floor's loop;
 *      the app's wait for a busy intake too, IntakeFirst, but not from the first call on).
 */
import { TelegramBotApiFake } from '../test/support/telegram-bot-api.fake';
import { latencyGrowth } from './bench-stats';

/** The load: the same for every target of a part (the floor runs each part's load). */
export interface RelayLoad {
  rate: number;
  latencySeconds: number;
  /**
   * Seconds of the latency phase's own load run first and not measured (other customers): the code the
   * measured seconds run is compiled by then, for the app and the floor alike.
   */
  warmupSeconds: number;
  throughputUpdates: number;
  concurrency: number;
  masters: number;
  cpuRate: number;
  cpuSeconds: number;
  /** Updates of the intake-alone phase (4.); 0 skips it. */
  intakeUpdates: number;
}

/** The relay part's load, from the environment. */
export const RELAY_LOAD: RelayLoad = {
  rate: Number(process.env.BENCH_RATE ?? 500),
  latencySeconds: Number(process.env.BENCH_SECONDS ?? 6),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 4),
  throughputUpdates: Number(process.env.BENCH_UPDATES ?? 6000),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  /** Traffic is spread over this many masters, each with one client bot: a master's own chat is served in order. */
  masters: Number(process.env.BENCH_MASTERS ?? 50),
  cpuRate: Number(process.env.BENCH_CPU_RATE ?? 100),
  cpuSeconds: Number(process.env.BENCH_CPU_SECONDS ?? 5),
  intakeUpdates: Number(process.env.BENCH_INTAKE_UPDATES ?? 6000),
};

export interface RelayFigures {
  /**
   * `growth`: the median latency of the phase's last quarter of updates less its first quarter's, ms (`latencyGrowth`).
   * A target that does not keep up with the rate queues the updates, and its percentiles then say how long the phase
   * was rather than how fast it relays.
   */
  latency: { total: number; achievedRate: number; p50: number; p95: number; p99: number; max: number; growth: number };
  /**
   * `perSecond`: webhook 200s per second. `relayedWhenRecorded`: how many of those updates had reached the fake as
   * relays when the last 200 came (the floor's one catch-up loop falls behind while its intake takes the CPU; the
   * app's lanes keep up). `relayedPerSecond`: the updates over the time from the first POST to the last relay.
   */
  throughput: { updates: number; seconds: number; perSecond: number; relayedWhenRecorded: number; relayedPerSecond: number };
  /** CPU time the server process(es) used per relayed update at the CPU rate. */
  cpuMsPerUpdate: number;
  /** Same, of the bench's own process: the fake and the load generator (and the EventStoreDB double, for replicas). */
  harnessCpuMsPerUpdate: number;
  /** Resident memory of the server process(es) after the run (before the intake-alone phase). */
  rss: number;
  /**
   * Webhook 200s per second while no relay could complete (4.), the server process(es)' CPU time per update over that
   * phase (less moved by a noisy machine than the rate), and how many of its updates reached the fake as relays
   * meanwhile (0 unless a hang did not hold); absent when the load skips it.
   */
  intakeAlone?: { updates: number; perSecond: number; cpuMsPerUpdate: number; relayedMeanwhile: number };
}

/** What is measured: the fake it relays to, and its server processes (one, or the sum over replicas). */
export interface RelayTarget {
  fake: TelegramBotApiFake;
  masterBotId: number;
  cpuMs(): Promise<number>;
  rssBytes(): Promise<number>;
  /** Started before the CPU measurement and stopped after it (BENCH_PERF). */
  recordCpu?: () => Promise<{ stop(): Promise<void> } | undefined>;
}

export type Post = (text: string, customerId: number) => Promise<number>;

export async function measureRelay(target: RelayTarget, post: Post, load: RelayLoad = RELAY_LOAD): Promise<RelayFigures> {
  // Warm-up: JIT, page caches, connection pools. A burst, then the latency load itself for `warmupSeconds`:
  // after the burst alone the code was still cold, and at 500/s the floor's one relay loop fell behind for the
  // whole measured phase and never caught up (its p50 was 40 ms to 1.9 s instead of ~2 ms).
  await Promise.all(Array.from({ length: 200 }, (_, i) => post(`warmup ${i}`, 9_000_000 + (i % 50))));
  await waitForRelays(target, (t) => t.startsWith('warmup'), 200);
  if (load.warmupSeconds > 0) await measureLatency(target, post, { ...load, latencySeconds: load.warmupSeconds }, 'steady', 5_000_000);
  const latency = await measureLatency(target, post, load);
  const throughput = await measureThroughput(target, post, load);
  const cpu = await measureCpu(target, post, load);
  const rss = await target.rssBytes();
  // Last: the relays it holds back are let go only as the round ends.
  const intakeAlone = load.intakeUpdates > 0 ? await measureIntakeAlone(target, post, load) : undefined;
  return { latency, throughput, ...cpu, rss, ...(intakeAlone ? { intakeAlone } : {}) };
}

async function measureCpu(target: RelayTarget, post: Post, { cpuRate, cpuSeconds }: RelayLoad) {
  const total = cpuRate * cpuSeconds;
  const perf = await target.recordCpu?.();
  const harness = process.cpuUsage();
  const before = await target.cpuMs();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / cpuRate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(post(`cpu ${i}`, 3_000_000 + (i % 1000)));
  }
  await Promise.all(inflight);
  await waitForRelays(target, (t) => t.startsWith('cpu '), total);
  const cpuMs = (await target.cpuMs()) - before;
  const { user, system } = process.cpuUsage(harness);
  await perf?.stop();
  return { cpuMsPerUpdate: cpuMs / total, harnessCpuMsPerUpdate: (user + system) / 1000 / total };
}

/** The relays of one phase that have reached the fake so far (the customer's text follows the header line). */
function relaysSoFar(target: RelayTarget, match: (text: string) => boolean): { at: number }[] {
  return target.fake.sent(target.masterBotId).filter((s) => match((s.text ?? '').split('\n\n')[1] ?? ''));
}

/**
 * Polled every 20 ms rather than checked on every call the fake takes (`fake.waitFor`): that check reads the whole
 * journal, so with thousands of messages sent it made each call the fake answered cost milliseconds of the bench's
 * own CPU, and a target sending one message at a time (the floor) waited on it.
 */
async function waitForRelays(target: RelayTarget, match: (text: string) => boolean, count: number): Promise<{ at: number }[]> {
  // A slow target on a busy machine still finishes: at least 10 relays/s are waited for.
  const deadline = performance.now() + Math.max(120_000, count * 100);
  let seen = relaysSoFar(target, match);
  while (seen.length < count) {
    if (performance.now() > deadline) throw new Error(`only ${seen.length} of ${count} relays reached the fake in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = relaysSoFar(target, match);
  }
  return seen;
}

/** `phase` names its messages (`<phase> <i>`); its customers are `firstCustomer` on, each of the first 1,000 new. */
async function measureLatency(target: RelayTarget, post: Post, load: RelayLoad, phase = 'lat', firstCustomer = 1_000_000) {
  const total = load.rate * load.latencySeconds;
  const postedAt = new Map<string, number>();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / load.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const text = `${phase} ${i}`;
    postedAt.set(text, performance.now()); // the fake runs in this process: its `stampedAt` is on the same clock
    inflight.push(post(text, firstCustomer + (i % 1000)));
  }
  await Promise.all(inflight);
  const achievedRate = total / ((performance.now() - start) / 1000);
  await waitForRelays(target, (t) => t.startsWith(`${phase} `), total);
  const byPost = target.fake
    .sent(target.masterBotId)
    .map((s) => ({ text: (s.text ?? '').split('\n\n')[1] ?? '', at: s.stampedAt }))
    .filter((s) => postedAt.has(s.text))
    .map((s) => ({ i: Number(s.text.slice(phase.length + 1)), ms: s.at - postedAt.get(s.text)! }))
    .sort((a, b) => a.i - b.i);
  const samples = byPost.map((s) => s.ms).sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  const growth = latencyGrowth(byPost.map((s) => s.ms));
  return { total, achievedRate, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: samples[samples.length - 1], growth };
}

/** `updates` POSTed by `concurrency` clients, each POSTing its next once answered; the seconds it took. */
async function postAll(post: Post, phase: string, updates: number, concurrency: number, firstCustomer: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < updates) {
        const i = next++;
        await post(`${phase} ${i}`, firstCustomer + (i % 1000));
      }
    }),
  );
  return (performance.now() - start) / 1000;
}

/**
 * Intake alone: every sendMessage of the MasterBot hangs from here on (one per master is as many as the app's
 * per-chat lanes start; the floor's loop starts one), so the targets record with their relays held back.
 * The hung calls are let go at the end; the round ends before they are waited for.
 */
async function measureIntakeAlone(target: RelayTarget, post: Post, { intakeUpdates: updates, concurrency, masters }: RelayLoad) {
  target.fake.failConnection(target.masterBotId, 'sendMessage', 'hang', masters);
  try {
    const cpuBefore = await target.cpuMs();
    const seconds = await postAll(post, 'intake', updates, concurrency, 4_000_000);
    const cpuMsPerUpdate = ((await target.cpuMs()) - cpuBefore) / updates;
    return {
      updates,
      perSecond: updates / seconds,
      cpuMsPerUpdate,
      relayedMeanwhile: relaysSoFar(target, (t) => t.startsWith('intake ')).length,
    };
  } finally {
    target.fake.releaseHung();
  }
}

async function measureThroughput(target: RelayTarget, post: Post, { throughputUpdates: updates, concurrency }: RelayLoad) {
  const isPhase = (t: string) => t.startsWith('tp ');
  const startedAt = Date.now(); // the fake stamps relays with Date.now()
  const seconds = await postAll(post, 'tp', updates, concurrency, 2_000_000);
  const relayedWhenRecorded = relaysSoFar(target, isPhase).length;
  const relays = await waitForRelays(target, isPhase, updates);
  const lastRelayAt = relays.reduce((last, s) => Math.max(last, s.at), startedAt);
  const relayedPerSecond = updates / (Math.max(1, lastRelayAt - startedAt) / 1000);
  return { updates, seconds, perSecond: updates / seconds, relayedWhenRecorded, relayedPerSecond };
}
