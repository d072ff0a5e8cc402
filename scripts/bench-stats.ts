/** Arithmetic the bench applies to what it measured (the inbox bench to what the Bot API fake journaled). Pure. */

/** The median of `values` (the mean of the middle two when there is an even number of them). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * How much later the last quarter of a phase's updates arrived than its first quarter (median latency, in the
 * latencies' unit), given each update's latency in the order the updates were posted: about 0 for a pipeline that
 * keeps up with the rate it is fed; one that falls behind queues the updates, and its latency grows through the phase.
 */
export function latencyGrowth(inPostOrder: readonly number[]): number {
  if (inPostOrder.length === 0) return NaN;
  const quarter = Math.max(1, Math.floor(inPostOrder.length / 4));
  return median(inPostOrder.slice(-quarter)) - median(inPostOrder.slice(0, quarter));
}

/** The value at quantile `p` of ascending `sorted` values (NaN when there are none): the nearest-rank sample. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * Events per second over the middle of a drain: the first and last `trim` share of the timestamps (ms) are left
 * out, so neither the ramp-up (the first message goes at once, with a full bucket) nor the tail (queues emptying
 * one after another) counts. The rate is the least-squares slope of each event's rank against its time, over every
 * event of the middle. NaN with fewer than two events.
 *
 * Not (events between the two ends) ÷ (time between them): chats paced in step send in bursts (40 chats at ~1/s each:
 * 40 messages within ~35 ms, once a second), and the middle's ends then fall on a burst's last message at one end
 * and on another's first at the other — a second's worth of time counted with none of its messages. That read 40
 * chats each relaying 0.98/s as 37.7/s (94 % of 40/s) instead of 39.2/s.
 */
export function sustainedRatePerSecond(timesMs: readonly number[], trim = 0.1): number {
  if (timesMs.length < 2) return NaN;
  const sorted = [...timesMs].sort((a, b) => a - b);
  let first = Math.floor(trim * (sorted.length - 1));
  let last = sorted.length - 1 - first;
  if (last <= first) [first, last] = [0, sorted.length - 1];
  const n = last - first + 1;
  let meanTime = 0;
  for (let i = first; i <= last; i++) meanTime += sorted[i] / n;
  const meanRank = (first + last) / 2;
  let covariance = 0;
  let variance = 0;
  for (let i = first; i <= last; i++) {
    const dt = sorted[i] - meanTime;
    covariance += dt * (i - meanRank);
    variance += dt * dt;
  }
  return variance > 0 ? (covariance * 1000) / variance : Infinity;
}

/** Of the messages `expected`, how many never arrived and how many extra copies arrived (of `arrived`, others ignored). */
export function lostAndDuplicated(expected: Iterable<string>, arrived: Iterable<string>): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const text of expected) counts.set(text, 0);
  for (const text of arrived) {
    const n = counts.get(text);
    if (n !== undefined) counts.set(text, n + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (const n of counts.values()) {
    if (n === 0) lost += 1;
    else duplicated += n - 1;
  }
  return { lost, duplicated };
}
