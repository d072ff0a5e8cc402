import { BACKWARDS, END, FORWARDS } from '@eventstore/db-client';
import {
  AppendResult,
  checkStreamRead,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  StreamReadOptions,
} from '../../application/ports/event-store.port';
import { EsdbAllScans } from './esdb-all-scans';
import { EsdbAppends } from './esdb-append';
import { streamPosition, toRecordedEvent } from './esdb-codec';
import { acquireClient, describeParseError, errorMessage, redactConnectionString, scrub, type ClientLease } from './esdb-connection';
import { EsdbLiveSubscription } from './esdb-live';
import { LiveFeed } from './esdb-live-feed';
import { StreamNamespace } from './esdb-namespace';
import { EsdbReads } from './esdb-reads';

export { redactConnectionString } from './esdb-connection';
export { NAMESPACE_SEPARATOR, STREAM_PREFIX_PATTERN } from './esdb-namespace';
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
  /**
   * `EVENTSTORE_STREAM_PREFIX`: the namespace of this installation on a shared server (`StreamNamespace`).
   * Empty or absent: none — every stream that does not look namespaced, as before prefixes existed.
   */
  streamPrefix?: string;
}

/** Default deadline of a read (the client's own default for calls that have one). */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;

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
 *   this stream at its current head, is stored a second time. So does the SQLite adapter since
 *   2026-11-29 (`replays.ts`, one rule for both); only duplicates inside one batch are refused (client-side).
 *   Redelivered commands are dropped before that, by their causation id (`AggregateStore`).
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
 *   cache is only consulted for `'any'` appends, which the chain cannot use); SQLite looks in the same
 *   window. Use an explicit expected revision wherever a redelivery may re-append (the project's rule
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
 * - `headPosition` scans `$all` backwards past system events and other namespaces' events (remembering
 *   what it has scanned).
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
 * - Namespaces (`streamPrefix`, `EVENTSTORE_STREAM_PREFIX`): with prefix `p` the application's stream `S`
 *   is the server's `p/S` (`StreamNamespace`; `/` never occurs in a prefix nor in this project's stream
 *   ids, which are refused if they hold one), the prefix is stripped on read, and `readAll`,
 *   `headPosition` and the live subscription (server-side stream-name prefix filter) see only `p/…`
 *   streams. Positions stay the server's global ones. The hash chain is sealed on `S`, so `audit verify`
 *   answers the same in any namespace. Without a prefix a store sees every stream that does not look
 *   namespaced (`<prefix>/…`): an existing installation keeps its history when a prefixed one joins it.
 *   WARNING: client 6.2.1 cannot filter a `$all` read (it always sends "no filter"), so `readAll` and
 *   `headPosition` read every namespace's events and drop the others' here: their cost grows with the
 *   whole server's traffic in the range read, not this namespace's. Pages stay bounded (4096
 *   events, the read deadline) and the scan moves past every event examined, so a stretch of other
 *   namespaces' events is crossed, never stalled on; but a `readAll` call still reads until it has
 *   `maxCount` events or reaches the end of `$all` (a short page must mean "caught up"). Once the live
 *   subscription is caught up, the pump's reads are answered from it without any scan.
 *   WARNING: a prefix isolates what the application reads and writes, nothing more: the server's users,
 *   ACLs, `$`-streams and its capacity are shared, and a tool reading the whole server sees every namespace.
 * - The connection string is only ever shown with its credentials masked — except by the client
 *   library's own debug output (`DEBUG=esdb:*`), which prints it whole: never enable that in production.
 */
export class EsdbEventStore implements EventStore {
  private closed = false;
  /** What the live subscription delivered, from which `readAll` answers once it is caught up. */
  private readonly feed = new LiveFeed();
  /** Position of the newest append through this store: `readAll` answers from the feed only once it holds it. */
  private ownHead?: bigint;
  private readonly reads: EsdbReads;
  private readonly scans: EsdbAllScans;
  private readonly appends: EsdbAppends;
  private readonly live: EsdbLiveSubscription;

  private constructor(
    private readonly lease: ClientLease,
    /** The connection string with any credentials masked: the only form ever put in a message. */
    readonly redactedUrl: string,
    /** This installation's part of the server (`EVENTSTORE_STREAM_PREFIX`). */
    readonly namespace: StreamNamespace,
    options: EsdbEventStoreOptions,
  ) {
    const timeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.reads = new EsdbReads(lease.client, timeoutMs, namespace);
    this.scans = new EsdbAllScans(this.reads, namespace);
    this.appends = new EsdbAppends(
      lease.client,
      this.reads,
      (position) => {
        if (this.ownHead === undefined || position > this.ownHead) this.ownHead = position;
        this.live.notifyListeners();
      },
      namespace,
    );
    this.live = new EsdbLiveSubscription(lease.client, this.feed, () => this.headPosition(), {
      onSubscriptionError: options.onSubscriptionError,
      reconnectDelayMs: options.reconnectDelayMs,
      confirmTimeoutMs: timeoutMs,
      namespace,
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
    const namespace = new StreamNamespace(options.streamPrefix ?? '');
    let lease: ClientLease;
    try {
      lease = acquireClient(url);
    } catch (error) {
      throw new Error(`EVENTSTORE_URL "${redacted}" is not a valid connection string: ${describeParseError(error, url, redacted)}`);
    }
    const store = new EsdbEventStore(lease, redacted, namespace, options);
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
  async readStream(streamId: string, options: StreamReadOptions = {}): Promise<RecordedEvent[]> {
    const { fromRevision = 0, maxCount, types } = checkStreamRead(options);
    // With types, the server has no per-stream filter: the stream is read to its end and the rest dropped here.
    const recorded = await this.reads.streamEvents(streamId, BigInt(fromRevision), FORWARDS, types ? undefined : maxCount);
    const events = recorded.filter((event) => event.isJson && (!types || types.includes(event.type)));
    return (types && maxCount !== undefined ? events.slice(0, maxCount) : events).map((event) =>
      toRecordedEvent(event, streamPosition(event)),
    );
  }

  /**
   * Events of every non-system stream of the namespace in global order, strictly after `after`.
   *
   * `$all` also holds system events (types or streams starting with `$`, link events) and other
   * namespaces' events, which are skipped; the server's page size counts them, so this keeps reading
   * pages until it has `maxCount` events or reaches the end (`EsdbAllScans.forwards`). A result shorter
   * than `maxCount` therefore means "caught up", as with the SQLite adapter — as of the read, or of the
   * live subscription's last delivery when the answer comes from it (see the class comment).
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, maxCount } = options;
    this.reads.ensureOpen();
    if (!Number.isSafeInteger(maxCount) || maxCount <= 0) return [];
    // While the live subscription is caught up, what it delivered is the answer: no read of `$all`.
    const served = this.feed.read(after, maxCount, this.ownHead);
    if (served) return served;
    return this.scans.forwards(after, maxCount);
  }

  /**
   * Position of the namespace's last non-system event, or `null` when there is none. Reads `$all`
   * backwards in pages (growing while they hold none of the namespace's events) until it meets one; a
   * later call only examines what was appended since (`EsdbAllScans.head`).
   */
  headPosition(): Promise<bigint | null> {
    return this.scans.head();
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
