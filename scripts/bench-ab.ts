/**
 * A/B of this checkout's app against another build of it (a `git worktree` of another commit, built, with its own
 * node_modules when the dependencies differ), alternately — A, B, then B, A, … — so a noisy machine's drift falls on
 * both. What docs/profile.md quotes for each change. Two comparisons (`BENCH_AB_PHASE`):
 *
 * - `intake` (default): the bench's intake-alone phase (every relay held back): what the app records per second by
 *   itself, and the CPU it spends per recorded update. BENCH_AB_UPDATES (10,000) sets the phase's updates.
 * - `relay`: the relay latency at BENCH_RATE (500/s, after BENCH_WARMUP_SECONDS of the same load, 6 s measured): p50
 *   and p99; and the CPU per relayed update at BENCH_CPU_RATE (400/s, 3 s). Both builds must have the warm-up
 *   (`0d76e92` or later): an older build's bench would measure itself cold.
 *
 *   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npx tsc -p tsconfig.build.json)
 *   node dist/scripts/bench-ab.js /tmp/before [rounds=6]          # A: /tmp/before, B: this checkout
 *
 * Writes nothing; prints each round and the medians.
 */
import { join, resolve } from 'node:path';
import { projectRoot } from '../test/support/app-process';
import { median } from './bench-stats';
import type { benchRelayOnce as BenchRelayOnce } from './bench-relay';
import { RELAY_LOAD, type RelayFigures, type RelayLoad } from './bench-measure';

/** One figure a comparison reports (`lower`: the smaller is the better). */
interface Figure {
  label: string;
  value: number;
  digits: number;
  unit: string;
  lower: boolean;
}

/** A figure's value (or a median of them) as printed. */
const shown = (f: Figure, value = f.value): string => `${value.toFixed(f.digits)}${f.unit}`;

/** What one comparison runs, and the figures it compares. */
interface Comparison {
  load: RelayLoad;
  figures(f: RelayFigures): Figure[];
}

const COMPARISONS: Record<string, Comparison> = {
  intake: {
    load: {
      // The other phases kept short: only the intake-alone phase is compared.
      rate: 200,
      latencySeconds: 1,
      warmupSeconds: 0,
      throughputUpdates: 1000,
      concurrency: 32,
      masters: 50,
      cpuRate: 100,
      cpuSeconds: 1,
      intakeUpdates: Number(process.env.BENCH_AB_UPDATES ?? 10_000),
    },
    figures: (f) => {
      if (!f.intakeAlone) throw new Error('the intake-alone phase did not run');
      return [
        { label: 'updates/s', value: f.intakeAlone.perSecond, digits: 0, unit: '/s', lower: false },
        { label: 'CPU per recorded update', value: f.intakeAlone.cpuMsPerUpdate, digits: 3, unit: ' ms', lower: true },
      ];
    },
  },
  relay: {
    load: {
      ...RELAY_LOAD,
      // The throughput phase kept short and the intake-alone one left out: only latency and CPU are compared.
      throughputUpdates: 500,
      cpuRate: Number(process.env.BENCH_CPU_RATE ?? 400),
      cpuSeconds: Number(process.env.BENCH_CPU_SECONDS ?? 3),
      intakeUpdates: 0,
    },
    figures: (f) => [
      { label: 'p50', value: f.latency.p50, digits: 1, unit: ' ms', lower: true },
      { label: 'p99', value: f.latency.p99, digits: 1, unit: ' ms', lower: true },
      { label: 'CPU per relayed update', value: f.cpuMsPerUpdate, digits: 2, unit: ' ms', lower: true },
    ],
  },
};

async function main(): Promise<void> {
  const [other, roundsArg] = process.argv.slice(2);
  if (!other) throw new Error('usage: node dist/scripts/bench-ab.js <other checkout, built> [rounds]');
  const rounds = Number(roundsArg ?? 6);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`rounds must be a whole number ≥ 1, got ${roundsArg}`);
  const phase = process.env.BENCH_AB_PHASE ?? 'intake';
  const comparison = COMPARISONS[phase];
  if (!comparison) throw new Error(`BENCH_AB_PHASE must be one of ${Object.keys(COMPARISONS).join(', ')}, not ${phase}`);
  const builds = await Promise.all(
    [resolve(other), projectRoot()].map(async (root) => ({
      root,
      run: ((await import(join(root, 'dist', 'scripts', 'bench-relay.js'))) as { benchRelayOnce: typeof BenchRelayOnce }).benchRelayOnce,
      rounds: [] as Figure[][],
    })),
  );
  for (let round = 1; round <= rounds; round++) {
    for (const index of round % 2 === 1 ? [0, 1] : [1, 0]) {
      const build = builds[index];
      const figures = comparison.figures(await build.run('app', comparison.load));
      build.rounds.push(figures);
      const line = figures.map((f) => `${f.label} ${shown(f)}`).join(', ');
      console.log(`round ${round} ${index === 0 ? 'A' : 'B'} (${build.root}): ${line}`);
    }
  }
  const [a, b] = builds;
  const summary = a.rounds[0].map((f, i) => {
    const medianA = median(a.rounds.map((r) => r[i].value));
    const medianB = median(b.rounds.map((r) => r[i].value));
    const better = (x: number, y: number) => (f.lower ? x < y : x > y);
    const wins = b.rounds.filter((r, round) => better(r[i].value, a.rounds[round][i].value)).length;
    return (
      `${f.label}: A ${shown(f, medianA)}, B ${shown(f, medianB)}, ` +
      `B ÷ A ${(medianB / medianA).toFixed(3)}, B better in ${wins} of ${rounds} rounds`
    );
  });
  console.log(`medians (${phase}):\n  ${summary.join('\n  ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
