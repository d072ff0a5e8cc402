import { RecordedEvent } from '../application/ports/event-store.port';

/** `a < b`, where `null` (before the first event) is below every position. */
function below(a: bigint | null, b: bigint | null): boolean {
  if (a === null) return b !== null;
  return b !== null && a < b;
}

/**
 * The most recent events the pump read, decoded and upcast, in global order and without gaps: every
 * event with a position above `floor` up to `head` is here. Positions are compared, never counted
 * (EventStoreDB's are sparse). Bounded: pushing past `capacity` drops the oldest events and raises the
 * floor; a follower below the floor reads the store itself.
 */
export class DecodedWindow {
  private events: RecordedEvent[] = [];
  /** Index of the oldest kept event in `events` (dropped ones are compacted away in bulk). */
  private first = 0;
  /** Exclusive lower bound: everything after it is kept. */
  floor: bigint | null = null;
  /** Position of the newest event read (or where the pump started). */
  head: bigint | null = null;
  started = false;

  constructor(private readonly capacity: number) {}

  startAfter(position: bigint | null): void {
    this.floor = this.head = position;
    this.started = true;
  }

  get size(): number {
    return this.events.length - this.first;
  }

  /** Appends events read after `head`, in order, then drops the oldest beyond capacity. */
  push(events: readonly RecordedEvent[]): void {
    for (const event of events) this.events.push(event);
    this.head = events[events.length - 1].position;
    const excess = this.size - this.capacity;
    if (excess > 0) {
      this.first += excess;
      this.floor = this.events[this.first - 1].position;
    }
    if (this.first > this.capacity) {
      this.events = this.events.slice(this.first);
      this.first = 0;
    }
  }

  /**
   * Up to `max` events after `position`; `[]` when nothing newer has been read yet; `undefined` when
   * `position` is below the floor (those events are no longer here: read them from the store).
   */
  after(position: bigint | null, max: number): RecordedEvent[] | undefined {
    if (below(position, this.floor)) return undefined;
    if (!below(position, this.head)) return [];
    // Binary search for the first event above `position`.
    let low = this.first;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (below(position, this.events[mid].position)) high = mid;
      else low = mid + 1;
    }
    return this.events.slice(low, low + max);
  }
}
