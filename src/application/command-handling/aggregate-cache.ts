/**
 * Folded aggregate state kept between commands, so a hot stream (a conversation in full flow) is not
 * read and folded from its first event for every message.
 *
 * An entry is an exact fold of the stream's prefix up to `revision` — never a guess: entries only move
 * forward (`put` ignores an older revision than the one held). `AggregateStore` folds new events into
 * the entry it holds, in place, each event once (by its revision), and puts it again so its weight
 * follows; a fold that fails marks the entry `broken`, and a broken entry is never put nor folded into
 * again. Whether the prefix is still the whole stream is for the caller to check: `AggregateStore`
 * appends with `revision` as the expected revision (another writer's append makes that fail) and reads
 * the tail before a read-only answer.
 *
 * Bounded by the number of events the cached entries stand for (their causation ids are kept to drop
 * redelivered updates), least recently used first out. A stream longer than a quarter of the budget
 * counts as a quarter: it is kept (up to three such leave room for the rest; a fourth takes the place of
 * the least recently used) rather than read and folded whole for each command — ~7 µs per event, 0.8 s at
 * 120,000 events, on the one thread every tenant shares — which also held the whole stream's events in
 * memory besides the fold, each time. WARNING: the memory the cache holds is therefore its budget plus
 * whatever the longest hot streams' folds and causation ids exceed it by.
 */
export interface CachedAggregate<S> {
  /** The decider the state was folded with: a stream read with another decider is a miss (its `name`: see snapshots). */
  decider: { readonly name?: string };
  state: S;
  /** The stream's last revision folded in; -1 for a stream that does not exist yet. */
  revision: number;
  /**
   * Causation ids the stream records (at least those up to `revision`), growing with the entry: an id in
   * it is recorded for certain, which is all a duplicate check needs.
   */
  causations: Set<string>;
  /** A fold into it failed half way: its state is no fold of anything; it is dropped and never used again. */
  broken?: true;
  /** The revision its fold was last saved (or restored) at as a snapshot (see AggregateSnapshots). */
  savedAt?: number;
  /** The store's `writeMark()` taken before the read that last found the stream's end (see StreamFolds.catchUp). */
  writeMark?: unknown;
}

/** Injection token for the cache's budget (events): `AGGREGATE_CACHE_EVENTS` in the app (core.module.ts); tests make it small to see eviction. */
export const AGGREGATE_CACHE_EVENTS = Symbol('AGGREGATE_CACHE_EVENTS');

/** Default budget: events folded into cached entries, all streams together (a few tens of MB at most). */
export const DEFAULT_AGGREGATE_CACHE_EVENTS = 100_000;

export class AggregateCache {
  /** Each entry with its weight when it was put: an entry grows in place, so its weight is not read off it again. */
  private readonly entries = new Map<string, { entry: CachedAggregate<unknown>; weight: number }>();
  private weight = 0;

  constructor(readonly maxEvents = DEFAULT_AGGREGATE_CACHE_EVENTS) {
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 0)
      throw new RangeError(`aggregate cache size must be a whole number ≥ 0, got ${maxEvents}`);
  }

  get<S>(streamId: string, decider: object): CachedAggregate<S> | undefined {
    const held = this.entries.get(streamId);
    if (!held || held.entry.decider !== decider) return undefined;
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(streamId);
    this.entries.set(streamId, held);
    return held.entry as CachedAggregate<S>;
  }

  /** Keeps `entry` unless a newer fold of the same stream is already held; an entry grown in place is put again. */
  put<S>(streamId: string, entry: CachedAggregate<S>): void {
    if (entry.broken) return;
    const held = this.entries.get(streamId)?.entry;
    if (held && held.decider === entry.decider && held.revision > entry.revision) return;
    this.remove(streamId);
    const weight = this.weightOf(entry);
    if (weight > this.maxEvents) return;
    this.entries.set(streamId, { entry, weight });
    this.weight += weight;
    for (const oldest of this.entries.keys()) {
      if (this.weight <= this.maxEvents) break;
      this.remove(oldest);
    }
  }

  /** Every entry held, with its stream (for saving snapshots at shutdown). */
  held(): [streamId: string, entry: CachedAggregate<unknown>][] {
    return [...this.entries].map(([streamId, { entry }]) => [streamId, entry]);
  }

  remove(streamId: string): void {
    const held = this.entries.get(streamId);
    if (!held) return;
    this.entries.delete(streamId);
    this.weight -= held.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The events an entry stands for (at least 1: an entry for a stream not yet created still takes room), at most
   * a quarter of the budget (see the class comment). A budget of 0 keeps nothing.
   */
  private weightOf(entry: CachedAggregate<unknown>): number {
    return Math.max(1, Math.min(entry.revision + 1, Math.ceil(this.maxEvents / 4)));
  }
}
