/**
 * The event store port. Two adapters implement it — EventStoreDB (`EVENTSTORE_URL`) and embedded
 * SQLite (default) — and both must pass `test/event-store.contract.ts`.
 *
 * Positions: every recorded event has a stream `revision` (0-based, dense per stream) and a global
 * `position` (a bigint that only grows; the SQLite adapter uses a dense sequence, EventStoreDB its
 * commit position, which is sparse). Positions are opaque except for ordering: never do arithmetic
 * on them to count events.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');

export interface EventMetadata {
  /** Version of the `data` shape for this event type; upcasters lift older versions on read. */
  schemaVersion: number;
  /** The Telegram update (or CLI run) that started this chain of work. */
  correlationId: string;
  /** The message (update, command or event id) that directly caused this event. */
  causationId: string;
  /** When the command was decided (hashed with the event, unlike the store's own `recordedAt`). */
  occurredAt?: string;
  /** The command that produced this event (`Start`, `SubmitBotToken`, …): the trigger shown by audit. */
  command?: string;
  /** Hash-chain fields, filled in by the append path (see audit); absent on events from before it. */
  prevHash?: string;
  hash?: string;
  [key: string]: unknown;
}

export interface NewEvent<T extends string = string, D = Record<string, unknown>> {
  /** A UUID. Deterministic (UUIDv5 of bot + update id + index) so a re-delivered update re-appends the same ids. */
  id: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

/** What every event is, seen from the domain: an explicit type name and its data (a `DomainEvent` fits). */
export interface EventShape {
  type: string;
  data: unknown;
}

/** The loose shape the store adapters, the pump and the runners handle: any type name, JSON data. */
export interface AnyEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What the store adds to an event when it records it. */
export interface RecordedEnvelope {
  id: string;
  metadata: EventMetadata;
  streamId: string;
  revision: number;
  position: bigint;
  recordedAt: Date;
}

/**
 * An event as the store returns it. `E` is the union it belongs to — a domain's `…Event` type, or the
 * part of it a processor handles — so `data` narrows by `type` in a switch: `RecordedEvent<ConversationEvent>`.
 * The default is loose (any type, JSON data): the store adapters and the pump carry every stream's events.
 *
 * WARNING: the typing is a promise, not a check. Nothing validates `data` at run time: an event read from
 * the store is trusted to fit its (upcast) type name, and upcasters are what keep that promise for events
 * written in an older shape. A type name the union does not know (written by a newer release) can still
 * reach code typed with `E`: keep a `default` branch.
 */
export type RecordedEvent<E extends EventShape = AnyEvent> = E & RecordedEnvelope;

/** The type names of union `E`, as a processor lists the ones it handles: a name outside `E` does not compile. */
export type TypesOf<E extends EventShape> = readonly E['type'][];

/**
 * Narrows a loose event (as the store, the pump or a tail hands it) to the members of `E` named in
 * `types`. The one sanctioned way from loose to typed outside the processor runners: the names are
 * checked against `E` at compile time and against the event's own type name at run time.
 */
export function isEventOf<E extends AnyEvent>(event: RecordedEvent, types: TypesOf<E>): event is RecordedEvent<E> {
  return (types as readonly string[]).includes(event.type);
}

/**
 * `no_stream`: the stream must not exist. A number: the stream's last revision must be exactly this.
 * `any`: no check (use only where order within the stream does not matter).
 */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface AppendResult {
  /** Revision of the last event now in the stream (of the re-found events on an idempotent re-append). */
  nextExpectedRevision: number;
  /** Global position of the last appended (or re-found) event. */
  position: bigint;
}

export interface ReadAllOptions {
  /** Exclusive: return events strictly after this position. Omit to read from the start. */
  after?: bigint;
  maxCount: number;
}

export interface StreamReadOptions {
  fromRevision?: number;
  /** A whole number ≥ 1; omitted: to the end of the stream. */
  maxCount?: number;
  /**
   * Only events of these types (at least one); the others are skipped, and `maxCount` counts the events returned.
   * The embedded store skips them in SQL, without parsing them; EventStoreDB reads them and drops them here.
   * Names as stored: a reader that upcasts asks for old names too (`UpcasterRegistry.storedNamesOf`).
   */
  types?: readonly string[];
}

/** `options` as given, or a clear error: a revision is a whole number ≥ 0, a count one ≥ 1, types a non-empty list of names. */
export function checkStreamRead(options: StreamReadOptions): StreamReadOptions {
  const { fromRevision, maxCount, types } = options;
  if (fromRevision !== undefined && (!Number.isSafeInteger(fromRevision) || fromRevision < 0))
    throw new RangeError(`fromRevision must be a non-negative integer, got ${fromRevision}`);
  if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 1))
    throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  if (types !== undefined && (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string' && t !== '')))
    throw new RangeError(`types must be a non-empty list of event type names, got ${JSON.stringify(types)}`);
  return options;
}

export interface EventStore {
  /**
   * Appends atomically with optimistic concurrency. Re-appending events whose ids are already in the
   * stream at the expected revision is a no-op that returns the original result (idempotent append).
   * @throws WrongExpectedRevisionError when the stream is not at `expected`.
   */
  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Events of one stream in revision order, from `fromRevision` (default 0), at most `maxCount` (default: all);
   * `[]` when it does not exist. A long read lets other work run while it reads (pages: no caller stalls the
   * thread every tenant shares for a whole long stream).
   */
  readStream(streamId: string, options?: StreamReadOptions): Promise<RecordedEvent[]>;
  /** Events of every (non-system) stream in global order. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the last event in the store, or `null` when it is empty. */
  headPosition(): Promise<bigint | null>;
  /**
   * Calls `listener` (possibly coalesced, possibly late — never relied on for correctness) when new
   * events may be available. Catch-up subscriptions use it to avoid polling latency.
   */
  onAppended(listener: () => void): () => void;
  /**
   * Optional (the embedded store), with `tailIsEmpty`: a mark of what other writers have committed, taken before a
   * read of a stream. Absent where every writer is another connection (EventStoreDB): the tail is then read.
   */
  writeMark?(): unknown;
  /**
   * Whether the stream certainly holds nothing after `revision`, known without reading it: true only when no other
   * connection has committed since `mark` (from `writeMark`) was taken and this object's own last append to the
   * stream, which it remembers, is the one at `revision`. False whenever that is not certain: then read the tail.
   */
  tailIsEmpty?(streamId: string, revision: number, mark: unknown): boolean;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * The stream was deleted for good (an EventStoreDB tombstone, which only another tool can write: this
 * project never deletes streams). It can be neither read nor appended to again; an operator must look.
 */
export class StreamDeletedError extends Error {
  constructor(readonly streamId: string) {
    super(`Event stream ${streamId} was deleted for good (tombstoned) in the event store: it can be neither read nor appended to again`);
    this.name = 'StreamDeletedError';
  }
}

/** An append reused some event ids but not as the same batch at the same place: a programming error. */
export class DuplicateEventIdError extends Error {
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`Event id ${eventId} already exists elsewhere than this append to ${streamId}`);
    this.name = 'DuplicateEventIdError';
  }
}
