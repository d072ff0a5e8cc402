import { BACKWARDS, END, FORWARDS, START, type ReadPosition } from '@eventstore/db-client';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from '../../application/ports/event-store.port';
import { EsdbAppends } from './esdb-append';
import { allPosition, isUserEvent, streamPosition, toRecordedEvent, type EsdbRecorded } from './esdb-codec';
import { acquireClient, describeParseError, errorMessage, redactConnectionString, scrub, type ClientLease } from './esdb-connection';
import { EsdbLiveSubscription } from './esdb-live';
import { LiveFeed } from './esdb-live-feed';
import { EsdbReads } from './esdb-reads';

export { redactConnectionString } from './esdb-connection';
export { EventStoreClosedError, EventStoreReadTimeoutError } from './esdb-reads';

export interface EsdbEventStoreOptions {
  /**
   * Reports a failure of the shared live subscription behind `onAppended` (it is re-opened with a
   * back-off). Errors never contain the connection string.
   */
  onSubscriptionError?: (error: unknown, attempt: number) => void;
  /** Back-off of the live subscription's reconnects: first delay, doubled per failure up to `max`. */
  reconnectDelayMs?: { initial: number; max: number };
  /** Read `$all` once in `connect` so a wrong address or missing rights fail at start. Default true. */
  verifyConnection?: boolean;
  /** Deadline of every read, in ms (`EVENTSTORE_READ_TIMEOUT_MS`). Default 10 000. */
  readTimeoutMs?: number;
  /** Deadline of the start-up check, in ms. Default `readTimeoutMs`. */
  verifyTimeoutMs?: number;
}

/** Default deadline of a read (the client's own default for calls that have one). */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
/** Page size of the backwards scan in `headPosition` and the upper bound of a `readAll` page. */
const HEAD_SCAN_PAGE = 64;
const MAX_READ_ALL_PAGE = 4096;

/**
 * The EventStoreDB adapter (`EVENTSTORE_URL=esdb://…`), over `@eventstore/db-client` 6.2.1 (gRPC).
 * Requires EventStoreDB ≥ 22.6 (stream reads must carry `$all` positions; the shipped
 * docker-compose uses 23.10 LTS) and a user allowed to read `$all` (any user on an insecure node).
 *
 * Same contract as the SQLite adapter where EventStoreDB offers it — atomic multi-event appends,
 * optimistic concurrency by expected revision, idempotent re-append of the same event ids at the same
 * expected revision, one global order — with these differences:
 *
 * - WARNING: positions are EventStoreDB commit positions: byte offsets in its transaction log, so they
 *   are sparse (large gaps between consecutive events) and the gaps are not meaningful. Never subtract
 *   positions to count events or to measure lag in events.
 * - WARNING: event ids are NOT unique across the store. EventStoreDB only recognises a re-append when
 *   the same ids sit right after the expected revision; the same id appended to another stream, or to
 *   this stream at its current head, is stored a second time. The SQLite adapter refuses both with
 *   `DuplicateEventIdError`; here only duplicates inside one batch are refused (client-side).
 * - WARNING: a batch that partly matches the events after the expected revision (first ids equal,
 *   later ones not) is reported as `WrongExpectedRevisionError`, where SQLite reports
 *   `DuplicateEventIdError`. Either way nothing is written.
 * - Hash chain: every append first reads the event its batch will follow (one extra read per append)
 *   and seals the batch onto it (`hash-chain.ts`); the server's expected-revision check then makes sure
 *   that event is still the predecessor when the batch is written. An `'any'` append is therefore sent
 *   with the revision it read as expected revision and re-read, re-sealed and retried (up to
 *   ANY_APPEND_ATTEMPTS times) when another writer got there first, so concurrent `'any'` appends
 *   cannot fork the chain; when every try loses it fails with `WrongExpectedRevisionError`.
 * - WARNING: with `expected: 'any'` a re-append is recognised only while the batch is still among the
 *   stream's last ANY_REPLAY_WINDOW events (the adapter compares ids itself, since the server's own id
 *   cache is only consulted for `'any'` appends, which the chain cannot use); SQLite recognises it
 *   anywhere. Use an explicit expected revision wherever a redelivery may re-append (the project's rule
 *   anyway).
 * - WARNING: events written to EventStoreDB by any other tool are not sealed (`audit verify` reports
 *   them as `unchained`), and a stream soft-deleted and written again continues at its old revisions,
 *   which the chain (sealed from revision 0 after the read finds no stream) reports as broken. This
 *   project never deletes streams.
 * - WARNING: `readAll` treats `after` as an exclusive position by asking the server to read from
 *   `{ commit: after, prepare: after }` (inclusive) and dropping that event. This assumes
 *   commit == prepare for every event, which holds for appends over gRPC (non-transactional; every
 *   event carries its own log position) — the only kind this project writes. Events written in
 *   explicit transactions by the legacy TCP protocol share one commit position; a checkpoint in the
 *   middle of such a transaction would skip its remaining events.
 * - WARNING: positions (and so projection checkpoints) are only meaningful to the adapter that issued
 *   them. Switching an installation from SQLite to EventStoreDB (or back) needs the projections
 *   rebuilt from the start; an old dense SQLite checkpoint passed as `after` is not a record boundary
 *   in EventStoreDB's log.
 * - WARNING: one append is limited by the server's `MaxAppendSize` (1 MiB by default) and fails with
 *   the client's `MaxAppendSizeExceededError`; SQLite has no such limit.
 * - `readStream` returns JSON events only (this project writes nothing else); `recordedAt` is the
 *   server's clock, not the application's.
 * - `headPosition` scans `$all` backwards past system events (remembering what it has scanned).
 * - `onAppended` is driven by one live `$all` subscription (plus a local call after each append made
 *   through this instance), so it also fires for other processes' appends, but it may miss some while
 *   the subscription reconnects — it is a latency hint, exactly as the port says.
 * - While someone listens (the event pump does), that subscription — filtered by the server, system
 *   events excluded — also feeds `readAll`: once the server says it is caught up, `readAll` answers
 *   from what it delivered (`esdb-live-feed.ts`) instead of reading `$all`; below what it holds, or
 *   before it delivered this instance's own newest append, `readAll` reads as before. It resumes after
 *   the last event it delivered when it reconnects, so what it holds stays gap-free.
 *   WARNING: an answer from the feed lacks what another process appended and the subscription has not
 *   delivered yet (as a read sent a moment earlier would); the delivery wakes the listeners. Servers
 *   older than 24.2 never send "caught up", so there `readAll` always reads. Events handed out by
 *   `readAll` are shared with the feed: never mutate one.
 * - Every read (including the start-up check and the subscription's confirmation) is bounded by
 *   `readTimeoutMs` (`EVENTSTORE_READ_TIMEOUT_MS`, 10 s): the client itself sends reads with no deadline.
 *   A read past it fails with `EventStoreReadTimeoutError` (the event pump retries it); reads still in
 *   flight when `close()` runs fail with `EventStoreClosedError`. Never an empty or partial answer.
 *   WARNING: appends are not bounded here. Over `Append` the client's own deadline applies (10 s,
 *   `defaultDeadline` in the connection string); over `BatchAppend` that deadline is only sent to the
 *   server, which answers "timed out" past it — a node that never answers at all holds the append.
 *   A timed-out append may still land; its ids make the retry at the same expected revision idempotent.
 * - A call answered "not leader" (a cluster follower) is retried, with a back-off, on the leader the
 *   answer names (`retryOnNotLeader`). A stream deleted for good (tombstoned by another tool) fails
 *   reads and appends with `StreamDeletedError`.
 * - All stores of a process on one connection string share one client (`acquireClient`): the client
 *   keeps one table of pending appends per process, so disposing a second client would fail the first
 *   one's appends. WARNING: stores on two different connection strings in one process are not safe.
 * - The connection string is only ever shown with its credentials masked — except by the client
 *   library's own debug output (`DEBUG=esdb:*`), which prints it whole: never enable that in production.
 */
export class EsdbEventStore implements EventStore {
  private closed = false;
  /** Result of the last `headPosition` scan: `head` as seen with `$all` examined down from `scannedTo`. */
  private headMemo?: { scannedTo: bigint; head: bigint | null };
  /** What the live subscription delivered, from which `readAll` answers once it is caught up. */
  private readonly feed = new LiveFeed();
  /** Position of the newest append through this store: `readAll` answers from the feed only once it holds it. */
  private ownHead?: bigint;
  private readonly reads: EsdbReads;
  private readonly appends: EsdbAppends;
  private readonly live: EsdbLiveSubscription;

  private constructor(
    private readonly lease: ClientLease,
    /** The connection string with any credentials masked: the only form ever put in a message. */
    readonly redactedUrl: string,
    options: EsdbEventStoreOptions,
  ) {
    const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.reads = new EsdbReads(lease.client, timeoutMs);
    this.appends = new EsdbAppends(lease.client, this.reads, (position) => {
      if (this.ownHead === undefined || position > this.ownHead) this.ownHead = position;
      this.live.notifyListeners();
    });
    this.live = new EsdbLiveSubscription(lease.client, this.feed, () => this.headPosition(), {
      onSubscriptionError: options.onSubscriptionError,
      reconnectDelayMs: options.reconnectDelayMs,
      confirmTimeoutMs: timeoutMs,
    });
  }

  /**
   * Parses the connection string (`esdb://host:2113?tls=false`, `esdb+discover://…` for a cluster),
   * and unless `verifyConnection` is false, reads `$all` once (within `verifyTimeoutMs`) so that a wrong
   * address, TLS mismatch, missing rights or a node that never answers fail here with a clear message.
   * Credentials in the URL are never logged or put in an error message.
   */
  static async connect(connectionString: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
    const url = connectionString.trim();
    const redacted = redactConnectionString(url);
    if (!/^esdb(\+discover)?:\/\//i.test(url)) {
      throw new Error(
        `EVENTSTORE_URL must be an EventStoreDB connection string starting with esdb:// or esdb+discover:// ` +
          `(for example esdb://localhost:2113?tls=false), got "${redacted}"`,
      );
    }
    for (const [name, value] of Object.entries({ readTimeoutMs: options.readTimeoutMs, verifyTimeoutMs: options.verifyTimeoutMs })) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
        throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    let lease: ClientLease;
    try {
      lease = acquireClient(url);
    } catch (error) {
      throw new Error(`EVENTSTORE_URL "${redacted}" is not a valid connection string: ${describeParseError(error, url, redacted)}`);
    }
    const store = new EsdbEventStore(lease, redacted, options);
    if (options.verifyConnection !== false) {
      try {
        await store.reads.allPage(END, BACKWARDS, 1, options.verifyTimeoutMs ?? store.reads.timeoutMs);
      } catch (error) {
        await store.close().catch(() => undefined);
        throw new Error(`Cannot use EventStoreDB at ${redacted}: ${scrub(errorMessage(error), url, redacted)}`);
      }
    }
    return store;
  }

  /**
   * Appends atomically with optimistic concurrency. Event ids are sent as given (UUIDs), so the
   * server recognises a re-append of the same batch at the same expected revision and answers with
   * the original revision instead of writing again. The batch is sealed into the stream's hash chain
   * first, and the returned `position` is that of its last event (see `EsdbAppends`).
   */
  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appends.append(streamId, events, expected);
  }

  /** JSON events of one stream in revision order; `[]` when the stream does not exist. */
  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    if (!Number.isSafeInteger(from) || from < 0) throw new Error(`fromRevision must be a non-negative integer, got ${from}`);
    const recorded = await this.reads.streamEvents(streamId, BigInt(from), FORWARDS);
    return recorded.filter((event) => event.isJson).map((event) => toRecordedEvent(event, streamPosition(event)));
  }

  /**
   * Events of every non-system stream in global order, strictly after `after`.
   *
   * `$all` also holds system events (types or streams starting with `$`, link events) which are
   * skipped; the server's page size counts them, so this keeps reading pages until it has `maxCount`
   * events or reaches the end. A result shorter than `maxCount` therefore means "caught up", as with
   * the SQLite adapter — as of the read, or of the live subscription's last delivery when the answer
   * comes from it (see the class comment).
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, maxCount } = options;
    this.reads.ensureOpen();
    if (!Number.isSafeInteger(maxCount) || maxCount <= 0) return [];
    // While the live subscription is caught up, what it delivered is the answer: no read of `$all`.
    const served = this.feed.read(after, maxCount, this.ownHead);
    if (served) return served;
    const pageSize = Math.max(2, Math.min(maxCount + 1, MAX_READ_ALL_PAGE));
    const events: RecordedEvent[] = [];
    let cursor = after;
    while (events.length < maxCount) {
      // WARNING: `fromPosition` is inclusive; commit == prepare is assumed (see the class comment).
      const from: ReadPosition = cursor === undefined ? START : { commit: cursor, prepare: cursor };
      const page = await this.reads.allPage(from, FORWARDS, pageSize);
      let last: bigint | undefined;
      for (const resolved of page) {
        const position = allPosition(resolved);
        if (position === undefined) continue;
        last = position;
        if (cursor !== undefined && position <= cursor) continue;
        if (events.length < maxCount && isUserEvent(resolved)) {
          events.push(toRecordedEvent(resolved.event as EsdbRecorded, position));
        }
      }
      const endOfAll = page.length < pageSize;
      const noProgress = last === undefined || (cursor !== undefined && last <= cursor);
      if (endOfAll || noProgress) break;
      cursor = last;
    }
    return events;
  }

  /**
   * Position of the last non-system event, or `null` when there is none. Reads `$all` backwards in
   * small pages until it meets one. The newest position examined and the answer are remembered, so a
   * later call (health checks call this often) only examines what was appended since — a fresh server
   * holding nothing but system events is scanned in full once, not on every call.
   */
  async headPosition(): Promise<bigint | null> {
    let from: ReadPosition = END;
    let cursor: bigint | undefined;
    let newest: bigint | undefined;
    const remember = (head: bigint | null): bigint | null => {
      if (newest !== undefined) this.headMemo = { scannedTo: newest, head };
      return head;
    };
    for (;;) {
      const page = await this.reads.allPage(from, BACKWARDS, HEAD_SCAN_PAGE);
      let oldest: bigint | undefined;
      for (const resolved of page) {
        const position = allPosition(resolved);
        if (position === undefined) continue;
        if (cursor !== undefined && position >= cursor) continue;
        newest ??= position;
        if (this.headMemo && position <= this.headMemo.scannedTo) return remember(this.headMemo.head);
        if (isUserEvent(resolved)) return remember(position);
        oldest = position;
      }
      if (page.length < HEAD_SCAN_PAGE || oldest === undefined) return remember(null);
      cursor = oldest;
      // Backwards reads exclude the event at `from` itself; the `>= cursor` check above is a guard.
      from = { commit: oldest, prepare: oldest };
    }
  }

  /**
   * Calls `listener` when an event may have been appended: after each append through this store, and
   * for every non-system event the one live `$all` subscription sees (`EsdbLiveSubscription`), also
   * other processes' appends; and once after the subscription reconnects.
   */
  onAppended(listener: () => void): () => void {
    if (this.closed) return () => undefined;
    return this.live.listen(listener);
  }

  /** Fails every read still in flight (`EventStoreClosedError`), stops the live subscription, releases the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reads.close();
    await this.live.close();
    await this.lease.release();
  }
}
