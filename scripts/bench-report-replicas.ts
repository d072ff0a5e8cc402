/** The replicas section of docs/benchmarks.md (bench-replicas.ts): one column per replica count beside the floor. */
import { median } from './bench-stats';
import type { RelayFigures } from './bench-measure';
import type { ReplicaComparison, ReplicaFigures } from './bench-replicas';

export const REPLICAS_SECTION = '## Relay with replicas: EventStoreDB double + MariaDB';

export function replicasSection(r: ReplicaComparison, machine: string): string[] {
  const s = r.load;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const perSecond = (n: number) => `${n.toFixed(0)}/s`;
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' / ');
  const rounds = (figures: RelayFigures[], pick: (f: RelayFigures) => number, format: (n: number) => string) =>
    r.rounds > 1 ? `; ${figures.map((f) => format(pick(f))).join(', ')}` : '';
  const row = (label: string, pick: (f: RelayFigures) => number, format: (n: number) => string): string => {
    const floor = median(r.floor.map(pick));
    const cells = r.counts.map((n) => {
      const app = median(r.app[n].map(pick));
      return `**${format(app)}** (${(app / floor).toFixed(2)} ×${rounds(r.app[n], pick, format)})`;
    });
    return `| ${label} | ${format(floor)}${r.rounds > 1 ? ` (${r.floor.map((f) => format(pick(f))).join(', ')})` : ''} | ${cells.join(' | ')} |`;
  };
  const first = r.floor[0];
  const spread = (figures: ReplicaFigures[]) => figures.map((f) => f.runs.join(' / ')).join('; ');
  return [
    REPLICAS_SECTION,
    '',
    `Measured ${new Date().toISOString()} on ${machine}.`,
    '',
    `${r.rounds} round(s); a round runs the floor, then ${r.counts.join(', ')} replica(s), each on a fresh fake, a fresh`,
    'EventStoreDB double and a fresh MariaDB database. Each cell: the figure (the median when there are several',
    `rounds) and its ratio to the floor. The load is lighter than the embedded relay's above (${s.rate} updates/s for the`,
    `latency, ${s.throughputUpdates} for the throughput, ${s.cpuRate}/s for the CPU; the floor runs the same), so the two sections' ratios`,
    'are not comparable cell for cell. The app processes share one DATA_DIR, as the replicas of one host do; customer',
    "webhooks go to them in turn (round-robin, as Caddy does with `--scale`), the MasterBot's through a round-robin proxy.",
    '',
    `| measure | floor (embedded SQLite) | ${r.counts.map((n) => `${n} replica${n === 1 ? '' : 's'}`).join(' | ')} |`,
    `|---|---|${r.counts.map(() => '---|').join('')}`,
    row(
      `webhook → outbound sendMessage, p50 at ${s.rate} updates/s over ${s.masters} masters (${first.latency.total} updates)`,
      (f) => f.latency.p50,
      ms,
    ),
    row('same, p95', (f) => f.latency.p95, ms),
    row('same, p99', (f) => f.latency.p99, ms),
    row('achieved load rate', (f) => f.latency.achievedRate, perSecond),
    row(
      `updates recorded durably (webhook 200s/s, ${s.concurrency} concurrent, ${first.throughput.updates} updates)`,
      (f) => f.throughput.perSecond,
      perSecond,
    ),
    row(
      'of them already relayed when the last was recorded',
      (f) => f.throughput.relayedWhenRecorded,
      (n) => n.toFixed(0),
    ),
    row('same updates recorded and relayed (first POST → last sendMessage at the fake)', (f) => f.throughput.relayedPerSecond, perSecond),
    row(
      `CPU per relayed update at ${s.cpuRate} updates/s, summed over the replica processes`,
      (f) => f.cpuMsPerUpdate,
      (n) => `${n.toFixed(2)} ms`,
    ),
    row(
      "CPU of the bench's own process per update (the fake and the load generator; with replicas also the double)",
      (f) => f.harnessCpuMsPerUpdate,
      (n) => `${n.toFixed(2)} ms`,
    ),
    row(
      'RSS after the run, summed over the replica processes',
      (f) => f.rss / 2 ** 20,
      (n) => `${n.toFixed(0)} MB`,
    ),
    `| processors each replica ran at the end | — | ${r.counts.map((n) => spread(r.app[n])).join(' | ')} |`,
    '',
    `Load average (1 / 5 / 15 min) on this shared machine: ${load(r.loadAverage.start)} before the first round, ${load(r.loadAverage.end)}`,
    "after the last (2 cores; other sessions' tests were running too).",
    '',
    "**The double is not the real server's speed.** The EventStoreDB double is an in-process JavaScript gRPC server",
    "that keeps events in memory with no disk writes and no fsync, and it runs inside the bench's own process beside",
    'the Telegram fake and the load generator, on the same 2 cores as the replicas. A real EventStoreDB node writes',
    'and fsyncs every append and runs on its own cores: appends would cost more latency there and less CPU here.',
    "The CPU figure counts the app processes only: neither the double's nor MariaDB's CPU (MariaDB is this machine's",
    'shared server). Webhooks are recorded by every replica; each projection and reactor runs on one replica at a time',
    '(leases, balanced: about 1/N of them each), so the relay reactor runs on one: more replicas add recording capacity,',
    'spread the other processors and give failover, but do not make one reactor faster. One round on a busy machine',
    'moves these figures by several times from run to run: `BENCH_ROUNDS=3` gives medians.',
    '',
  ];
}
