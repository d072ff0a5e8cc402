/**
 * A/B of the recording path: this checkout's app against another build of it (a `git worktree` of another commit,
 * built, with its own node_modules when the dependencies differ), on the bench's intake-alone phase (every relay
 * held back: what the app records per second by itself, and the CPU it spends per recorded update), alternately —
 * A, B, then B, A, … — so a noisy machine's drift falls on both. What docs/profile.md quotes for each change.
 *
 *   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npx tsc -p tsconfig.build.json)
 *   node dist/scripts/bench-ab.js /tmp/before [rounds=6]          # A: /tmp/before, B: this checkout
 *
 * BENCH_AB_UPDATES (10,000) sets the phase's updates. Writes nothing; prints each round and the medians.
 */
import { join, resolve } from 'node:path';
import { projectRoot } from '../test/support/app-process';
import { median } from './bench-stats';
import type { benchRelayOnce as BenchRelayOnce } from './bench-relay';
import type { RelayLoad } from './bench-measure';

const LOAD: RelayLoad = {
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
};

async function main(): Promise<void> {
  const [other, roundsArg] = process.argv.slice(2);
  if (!other) throw new Error('usage: node dist/scripts/bench-ab.js <other checkout, built> [rounds]');
  const rounds = Number(roundsArg ?? 6);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`rounds must be a whole number ≥ 1, got ${roundsArg}`);
  const builds = await Promise.all(
    [resolve(other), projectRoot()].map(async (root) => ({
      root,
      run: ((await import(join(root, 'dist', 'scripts', 'bench-relay.js'))) as { benchRelayOnce: typeof BenchRelayOnce }).benchRelayOnce,
      rates: [] as number[],
      cpu: [] as number[],
    })),
  );
  for (let round = 1; round <= rounds; round++) {
    for (const index of round % 2 === 1 ? [0, 1] : [1, 0]) {
      const build = builds[index];
      const { intakeAlone } = await build.run('app', LOAD);
      if (!intakeAlone) throw new Error('the intake-alone phase did not run');
      build.rates.push(intakeAlone.perSecond);
      build.cpu.push(intakeAlone.cpuMsPerUpdate);
      console.log(
        `round ${round} ${index === 0 ? 'A' : 'B'} (${build.root}): ${intakeAlone.perSecond.toFixed(0)} updates/s, ` +
          `${intakeAlone.cpuMsPerUpdate.toFixed(3)} ms CPU per update`,
      );
    }
  }
  const [a, b] = builds;
  const wins = b.rates.filter((rate, i) => rate > a.rates[i]).length;
  console.log(
    `medians: A ${median(a.rates).toFixed(0)}/s, ${median(a.cpu).toFixed(3)} ms; B ${median(b.rates).toFixed(0)}/s, ` +
      `${median(b.cpu).toFixed(3)} ms; B ÷ A ${(median(b.rates) / median(a.rates)).toFixed(3)} (rate), ` +
      `${(median(b.cpu) / median(a.cpu)).toFixed(3)} (CPU); B faster in ${wins} of ${rounds} rounds`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
