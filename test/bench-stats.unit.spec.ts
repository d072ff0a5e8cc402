import { latencyGrowth } from '../scripts/bench-stats';

/** The bench's test of whether a target kept up with the latency phase's rate (docs/benchmarks.md). */
describe('whether a relay pipeline kept up with the rate it was fed', () => {
  it('reads a pipeline that keeps up as not growing, however noisy its latencies', () => {
    // 2,000 updates of 2–6 ms, with a stall of 80 ms every 100th: as many in the first quarter as in the last.
    const steady = Array.from({ length: 2000 }, (_, i) => (i % 100 === 50 ? 80 : 2 + (i % 5)));
    expect(latencyGrowth(steady)).toBe(0);
  });

  it('reads a pipeline that falls behind as growing by how much longer its last updates waited', () => {
    // Fed 500/s, it relays 400/s: each update waits 0.5 ms longer than the one before it.
    const queueing = Array.from({ length: 3000 }, (_, i) => 3 + i * 0.5);
    expect(latencyGrowth(queueing)).toBeCloseTo(1125, 0); // medians at updates ~2625 and ~375
  });

  it('has nothing to say of a phase with no updates', () => {
    expect(latencyGrowth([])).toBeNaN();
  });
});
