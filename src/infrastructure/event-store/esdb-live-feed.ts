import type { RecordedEvent } from '../../application/ports/event-store.port';

/**
 * What the EventStoreDB adapter's one live `$all` subscription has delivered: the user events after the
 * position it started from (system events are filtered out by the server), in order, so that `readAll`
 * can answer from memory instead of reading `$all` again each time the event pump wakes up.
 *
 * It answers only what it knows to be complete: `read` returns `undefined` (the caller reads the store)
 * unless the subscription is live (the server said "caught up"), the asked position lies inside what was
 * delivered since `floor` (the start, or the newest event trimmed from the bounded buffer), and the
 * subscription has already delivered the newest append made through this adapter (read-your-writes).
 *
 * WARNING: "live" only means the server had sent everything it had when it said so. An append by another
 * process that the subscription has not delivered yet is missing from an answer, exactly as it would be
 * from a read sent a moment earlier; the subscription's delivery wakes the pump, which reads again.
 * Servers older than 24.2 never say "caught up": the feed then never answers and `readAll` reads as before.
 */
export class LiveFeed {
  private buffer: RecordedEvent[] = [];
  /** Everything after `floor` that passed the filter is in `buffer`; `null`: from the start of `$all`. */
  private floor: bigint | null = null;
  /** Position of the newest event delivered (or the start position), `undefined` before the first start. */
  private position?: bigint | null;
  private live = false;

  constructor(private readonly capacity = 4096) {}

  /** Where a (re)opened subscription must start from to continue without a gap, or `undefined` if unknown. */
  get resumeFrom(): bigint | null | undefined {
    return this.position;
  }

  /** A subscription starts after `from` (exclusive; `null`: the start of `$all`) with nothing delivered yet. */
  startAfter(from: bigint | null): void {
    this.buffer = [];
    this.floor = from;
    this.position = from;
    this.live = false;
  }

  /** Forgets everything: the next subscription starts from a fresh head. */
  clear(): void {
    this.buffer = [];
    this.floor = null;
    this.position = undefined;
    this.live = false;
  }

  /** The subscription dropped: the buffer stays valid, and a subscription resumed from `resumeFrom` continues it. */
  down(): void {
    this.live = false;
  }

  caughtUp(): void {
    if (this.position !== undefined) this.live = true;
  }

  /** The subscription delivered the event at `position`: `event` when readers see it, `undefined` for one they skip. */
  deliver(position: bigint, event: RecordedEvent | undefined): void {
    if (this.position === undefined || (this.position !== null && position <= this.position)) return;
    this.position = position;
    if (!event) return;
    this.buffer.push(event);
    if (this.buffer.length > this.capacity) {
      const dropped = this.buffer.splice(0, this.buffer.length - Math.floor(this.capacity / 2));
      this.floor = dropped[dropped.length - 1].position;
    }
  }

  /**
   * Up to `maxCount` events strictly after `after` (`undefined`: from the start), or `undefined` when the
   * feed cannot vouch for the answer. `ownHead` is the position of this adapter's newest append.
   */
  read(after: bigint | undefined, maxCount: number, ownHead: bigint | undefined): RecordedEvent[] | undefined {
    const delivered = this.position;
    if (!this.live || delivered === undefined) return undefined;
    const from = after ?? null;
    if (this.floor !== null && (from === null || from < this.floor)) return undefined;
    if (from !== null && delivered !== null && from > delivered) return undefined;
    if (from !== null && delivered === null) return undefined;
    if (ownHead !== undefined && (delivered === null || delivered < ownHead)) return undefined;
    const start = from === null ? 0 : firstAfter(this.buffer, from);
    return this.buffer.slice(start, start + maxCount);
  }
}

/** Index of the first event with a position > `position` (binary search: the buffer is in order). */
function firstAfter(events: RecordedEvent[], position: bigint): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (events[mid].position <= position) low = mid + 1;
    else high = mid;
  }
  return low;
}
