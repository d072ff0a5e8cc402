import { checkCommit, IdWindow, type CommitDecision, type Expected } from './commit-check';

/** An event as a client proposes it. */
export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** An event in the log. Its `$all` position is a byte offset: commit and prepare position are equal. */
export interface StoredEvent extends ProposedEvent {
  streamId: string;
  revision: bigint;
  position: bigint;
  /** Bytes the record takes in the log: the next record starts at `position + size`. */
  size: number;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
}

/** A position in `$all` as the protocol carries it. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

export type WriteOutcome =
  | { kind: 'written'; lastRevision: bigint; position: bigint }
  | { kind: 'idempotent'; lastRevision: bigint; position: bigint }
  | { kind: 'wrong-expected-version'; current: bigint }
  | { kind: 'deleted' };

interface StreamState {
  events: StoredEvent[];
  tombstoned: boolean;
}

/** A record that is not an event (an epoch record at every start): it takes room in the log, nothing else. */
interface OtherRecord {
  position: bigint;
  size: number;
}

/** Fixed part of a serialized prepare record (flags, positions, ids, timestamp, length prefix and suffix). */
const PREPARE_OVERHEAD = 94;
const EPOCH_RECORD_SIZE = 128;

/**
 * The transaction log of the double: every record at a byte offset, like EventStoreDB's, so `$all`
 * positions are sparse and grow by each record's serialized size (approximated: fixed overhead + stream
 * name + type + data + metadata). Streams index their events by revision. Kept in memory only, and kept
 * across `EventStoreDouble.restart()`; the id window is emptied by a restart, as the server's is.
 */
export class EventLog {
  private readonly records: (StoredEvent | OtherRecord)[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private end = 0n;
  readonly idWindow: IdWindow;

  constructor(idWindowSize: number) {
    this.idWindow = new IdWindow(idWindowSize);
  }

  /** Position where the next record will be written (the writer checkpoint). */
  get endPosition(): bigint {
    return this.end;
  }

  /** Position of the last event, or -1n when the log holds none. */
  get lastEventPosition(): bigint {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const record = this.records[i];
      if (isEvent(record)) return record.position;
    }
    return -1n;
  }

  /** Writes a record that is no event (what the server writes when it starts: an epoch record). */
  writeEpoch(): void {
    this.records.push({ position: this.end, size: EPOCH_RECORD_SIZE });
    this.end += BigInt(EPOCH_RECORD_SIZE);
  }

  /** Checks and, when the check allows it, writes one batch atomically (all or nothing). */
  write(streamId: string, expected: Expected, events: readonly ProposedEvent[]): WriteOutcome {
    const state = this.streams.get(streamId);
    const view = state && {
      lastRevision: BigInt(state.events.length) - 1n,
      tombstoned: state.tombstoned,
      idAt: (revision: bigint) => state.events[Number(revision)]?.id,
    };
    const hasMetadata = (this.streams.get(`$$${streamId}`)?.events.length ?? 0) > 0;
    const decision: CommitDecision = checkCommit(
      streamId,
      view,
      expected,
      events.map((e) => e.id),
      this.idWindow,
      hasMetadata,
    );
    switch (decision.kind) {
      case 'deleted':
      case 'wrong-expected-version':
        return decision;
      case 'idempotent': {
        const original = this.streams.get(streamId)?.events[Number(decision.last)];
        return { kind: 'idempotent', lastRevision: decision.last, position: original?.position ?? -1n };
      }
      case 'ok':
        break;
    }
    if (events.length === 0) return { kind: 'written', lastRevision: decision.current, position: -1n };
    const stream = state ?? { events: [], tombstoned: false };
    this.streams.set(streamId, stream);
    const created = BigInt(Date.now()) * 10_000n;
    const written: StoredEvent[] = [];
    for (const proposed of events) {
      const size = PREPARE_OVERHEAD + utf8Length(streamId) + utf8Length(proposed.type) + proposed.data.length + proposed.metadata.length;
      const stored: StoredEvent = { ...proposed, streamId, revision: BigInt(stream.events.length), position: this.end, size, created };
      this.end += BigInt(size);
      stream.events.push(stored);
      this.records.push(stored);
      this.idWindow.put(stored.id, streamId, stored.revision);
      written.push(stored);
    }
    for (const stored of written) for (const listener of [...this.listeners]) listener(stored);
    const last = written[written.length - 1];
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  /** Marks a stream deleted for good: reads and appends answer "stream deleted" from now on. */
  tombstone(streamId: string): void {
    const state = this.streams.get(streamId) ?? { events: [], tombstoned: false };
    state.tombstoned = true;
    this.streams.set(streamId, state);
  }

  /** The stream's events, `undefined` when it never had any, `'deleted'` when tombstoned. */
  stream(streamId: string): readonly StoredEvent[] | undefined | 'deleted' {
    const state = this.streams.get(streamId);
    if (state?.tombstoned) return 'deleted';
    return state && state.events.length > 0 ? state.events : undefined;
  }

  /** Whether a record starts exactly at `position` (or it is the end): anything else is mid-record. */
  isBoundary(position: bigint): boolean {
    if (position >= this.end) return true;
    return this.indexAtOrAfter(position) < this.records.length && this.records[this.indexAtOrAfter(position)].position === position;
  }

  /** Events from `from` on (inclusive), in log order. */
  *eventsForwards(from: LogPosition): Generator<StoredEvent> {
    for (let i = this.indexAtOrAfter(from.commit); i < this.records.length; i++) {
      const record = this.records[i];
      if (isEvent(record) && atOrAfter(record.position, from)) yield record;
    }
  }

  /** Events that end at or before `before` (so an event starting at `before` is excluded), newest first. */
  *eventsBackwards(before: LogPosition): Generator<StoredEvent> {
    for (let i = this.indexAtOrAfter(before.commit + 1n) - 1; i >= 0; i--) {
      const record = this.records[i];
      const post = record.position + BigInt(record.size);
      if (isEvent(record) && (post < before.commit || (post === before.commit && post <= before.prepare))) yield record;
    }
  }

  /** Calls `listener` for every event written from now on, synchronously with the write. */
  onWritten(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Index of the first record whose position is ≥ `position` (binary search; records are in order). */
  private indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.records[mid].position < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

export function isEvent(record: StoredEvent | OtherRecord): record is StoredEvent {
  return 'id' in record;
}

/** `(position, position) ≥ (commit, prepare)`, the server's order of `$all` positions. */
export function atOrAfter(position: bigint, from: LogPosition): boolean {
  return position > from.commit || (position === from.commit && position >= from.prepare);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
