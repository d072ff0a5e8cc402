import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  AppendResult,
  DuplicateEventIdError,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../../application/ports/event-store.port';
import { GENESIS, linkHash, sealChain } from './hash-chain';
import { backoffMs } from '../backoff';
import { LiveFeed } from './esdb-live-feed';

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
  /** Deadline of the start-up check, in ms. Default 10 000. */
  verifyTimeoutMs?: number;
}

/** What a read returns from the client, reduced to the fields the adapter uses. */
interface EsdbRecorded {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  created: unknown;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

/** EventStoreDB's "no position" marker (u64::MAX) on events it cannot place in `$all`. */
const NO_POSITION = 18446744073709551615n;
/** Page size of the backwards scan in `headPosition` and the upper bound of a `readAll` page. */
const HEAD_SCAN_PAGE = 64;
const MAX_READ_ALL_PAGE = 4096;
/** How far back from a stream's end an `'any'` append looks for an earlier copy of its batch. */
const ANY_REPLAY_WINDOW = 64;
/** Tries of an `'any'` append that keeps losing the race for the stream's next revision. */
const ANY_APPEND_ATTEMPTS = 8;

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
 * - The connection string is only ever shown with its credentials masked — except by the client
 *   library's own debug output (`DEBUG=esdb:*`), which prints it whole: never enable that in production.
 */
export class EsdbEventStore implements EventStore {
  private readonly listeners = new Set<() => void>();
  private subscription?: AllStreamSubscription;
  /** Bumped on every (re)start and stop, so handlers of a replaced subscription do nothing. */
  private subscriptionGeneration = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempt = 0;
  private closed = false;
  /** Result of the last `headPosition` scan: `head` as seen with `$all` examined down from `scannedTo`. */
  private headMemo?: { scannedTo: bigint; head: bigint | null };
  /** Tail of each stream's queue of `'any'` appends made through this instance (see `appendAtCurrentRevision`). */
  private readonly anyAppendQueues = new Map<string, Promise<void>>();
  /** What the live subscription delivered, from which `readAll` answers once it is caught up. */
  private readonly feed = new LiveFeed();
  /** Position of the newest append through this instance: `readAll` answers from the feed only once it holds it. */
  private ownHead?: bigint;

  private constructor(
    private readonly client: EventStoreDBClient,
    /** The connection string with any credentials masked: the only form ever put in a message. */
    readonly redactedUrl: string,
    private readonly options: EsdbEventStoreOptions,
  ) {}

  /**
   * Parses the connection string (`esdb://host:2113?tls=false`, `esdb+discover://…` for a cluster),
   * and unless `verifyConnection` is false, reads `$all` once so that a wrong address, TLS mismatch or
   * missing rights fail here with a clear message. Credentials in the URL are never logged or put in
   * an error message.
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
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(url);
    } catch (error) {
      throw new Error(`EVENTSTORE_URL "${redacted}" is not a valid connection string: ${describeParseError(error, url, redacted)}`);
    }
    const store = new EsdbEventStore(client, redacted, options);
    if (options.verifyConnection !== false) {
      try {
        await store.readPage(END, BACKWARDS, 1, options.verifyTimeoutMs ?? 10_000);
      } catch (error) {
        await client.dispose().catch(() => undefined);
        throw new Error(`Cannot use EventStoreDB at ${redacted}: ${scrub(errorMessage(error), url, redacted)}`);
      }
    }
    return store;
  }

  /**
   * Appends atomically with optimistic concurrency. Event ids are sent as given (UUIDs), so the
   * server recognises a re-append of the same batch at the same expected revision and answers with
   * the original revision instead of writing again. The batch is sealed into the stream's hash chain
   * first (see the class comment).
   *
   * The returned `position` is that of the last event of the batch. For a single-event append it is
   * the one the server reports. For a batch, or when the server reports none (its answer to an
   * idempotent re-append carries no position), it is read back from the stream at
   * `nextExpectedRevision` (one extra read): the server reports one position per append, which is not
   * documented to be the last event's (its own source calls it "not technically correct").
   */
  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.id)) throw new DuplicateEventIdError(streamId, event.id);
      seen.add(event.id);
    }
    if (expected === 'any') return this.appendAtCurrentRevision(streamId, events);
    toEsdbExpected(expected); // refuses a malformed revision before any read
    if (expected === 'no_stream') return this.appendSealed(streamId, sealChain(streamId, 0, GENESIS(streamId), events), expected, expected);
    // The batch follows revision `expected`: seal it onto that event. Should the stream have moved on
    // meanwhile, the server refuses the batch (or recognises it as a re-append) and nothing sealed here
    // is written.
    const predecessor = (await this.readEvents(streamId, BigInt(expected), FORWARDS, 1))[0];
    if (!predecessor || Number(predecessor.revision) !== expected) {
      // Behind the expected revision: refused here, since writing after someone else caught the stream
      // up to `expected` would link to an event this read did not see.
      const last = (await this.readEvents(streamId, END, BACKWARDS, 1))[0];
      throw new WrongExpectedRevisionError(streamId, expected, last ? Number(last.revision) : 'no_stream');
    }
    const sealed = sealChain(streamId, expected + 1, linkHash(chainable(predecessor)), events);
    return this.appendSealed(streamId, sealed, expected, expected);
  }

  /**
   * `'any'` for the caller, but sent at the revision just read, so the batch is sealed onto the event
   * really before it; a concurrent writer makes the server refuse it, and it is re-read and retried.
   */
  private appendAtCurrentRevision(streamId: string, events: NewEvent[]): Promise<AppendResult> {
    // Queued per stream within this instance, so its own `'any'` appends never race each other for a
    // revision; the retries are for other writers.
    const previous = this.anyAppendQueues.get(streamId) ?? Promise.resolve();
    const run = previous.then(() => this.appendAtRevisionRead(streamId, events));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.anyAppendQueues.set(streamId, settled);
    void settled.then(() => {
      if (this.anyAppendQueues.get(streamId) === settled) this.anyAppendQueues.delete(streamId);
    });
    return run;
  }

  private async appendAtRevisionRead(streamId: string, events: NewEvent[]): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const tail = (await this.readEvents(streamId, END, BACKWARDS, Math.max(ANY_REPLAY_WINDOW, events.length))).reverse();
      const replay = findReplay(streamId, tail, events);
      if (replay) return replay;
      const last = tail[tail.length - 1];
      const sealed = last
        ? sealChain(streamId, Number(last.revision) + 1, linkHash(chainable(last)), events)
        : sealChain(streamId, 0, GENESIS(streamId), events);
      try {
        return await this.appendSealed(streamId, sealed, last ? Number(last.revision) : 'no_stream', 'any');
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= ANY_APPEND_ATTEMPTS) throw error;
        // A little jitter, so writers that collided do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** Appends already-sealed events at `sendAs`; a conflict is reported against the caller's `expected`. */
  private async appendSealed(
    streamId: string,
    events: NewEvent[],
    sendAs: ExpectedRevision,
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision: toEsdbExpected(sendAs) },
      );
    } catch (error) {
      if (isWrongExpectedVersion(error)) {
        throw new WrongExpectedRevisionError(streamId, expected, toActual(error.actualVersion));
      }
      throw error;
    }
    if (!result.success) {
      // Only possible with `throwOnAppendFailure=false` in the connection string.
      const current = result.nextExpectedRevision;
      throw new WrongExpectedRevisionError(streamId, expected, current < 0n ? 'no_stream' : Number(current));
    }
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    const reported = result.position?.commit;
    const position =
      events.length === 1 && reported !== undefined && reported !== NO_POSITION && reported >= 0n
        ? reported
        : await this.positionOfRevision(streamId, nextExpectedRevision);
    if (this.ownHead === undefined || position > this.ownHead) this.ownHead = position;
    this.notifyListeners();
    return { nextExpectedRevision, position };
  }

  /** JSON events of one stream in revision order; `[]` when the stream does not exist. */
  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    if (!Number.isSafeInteger(from) || from < 0) throw new Error(`fromRevision must be a non-negative integer, got ${from}`);
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: BigInt(from),
        direction: FORWARDS,
        resolveLinkTos: false,
      })) {
        const recorded = resolved.event as EsdbRecorded | undefined;
        if (!recorded || !recorded.isJson) continue;
        events.push(toRecordedEvent(recorded, streamPosition(recorded)));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
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
      const page = await this.readPage(from, FORWARDS, pageSize);
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
      const page = await this.readPage(from, BACKWARDS, HEAD_SCAN_PAGE);
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
   * Calls `listener` when an event may have been appended: after each append through this instance,
   * and for every non-system event seen by one live `subscribeToAll` (from the head of `$all` at its
   * first start, system events filtered out by the server) that all listeners share, and once when it
   * is caught up. The subscription starts with the first listener, stops with the last, and is
   * re-opened with an exponential back-off when it fails, after the last event it delivered; after a
   * reconnect every listener is called once.
   */
  onAppended(listener: () => void): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    if (!this.subscription && !this.reconnectTimer) this.startSubscription(false);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stopSubscription();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.stopSubscription();
    await this.client.dispose();
  }

  /**
   * Up to `maxCount` events of one stream from `fromRevision` in `direction` (all of them consumed, as
   * in `positionOfRevision`); `[]` when the stream does not exist.
   */
  private async readEvents(
    streamId: string,
    fromRevision: bigint | typeof END,
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
  ): Promise<EsdbRecorded[]> {
    const found: EsdbRecorded[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision, direction, maxCount, resolveLinkTos: false })) {
        const recorded = resolved.event as EsdbRecorded | undefined;
        if (recorded) found.push(recorded);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return found;
  }

  /** Position of the event at `revision` of `streamId` (used to complete an append's result). */
  private async positionOfRevision(streamId: string, revision: number): Promise<bigint> {
    let found: EsdbRecorded | undefined;
    // Consumed to the end rather than left early: a read abandoned half-way leaves its gRPC call
    // un-drained, and `client.dispose()` then waits for it forever.
    for await (const resolved of this.client.readStream(streamId, {
      fromRevision: BigInt(revision),
      direction: FORWARDS,
      maxCount: 1,
    })) {
      found ??= resolved.event as EsdbRecorded | undefined;
    }
    if (!found) throw new Error(`EventStoreDB: event ${revision} of stream ${streamId} is missing right after appending it`);
    return streamPosition(found);
  }

  /** One page of `$all`, fully consumed (never abandoned half-read, so the gRPC call always ends). */
  private async readPage(
    fromPosition: ReadPosition,
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
    deadline?: number,
  ): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({
      fromPosition,
      direction,
      maxCount,
      resolveLinkTos: false,
      ...(deadline === undefined ? {} : { deadline }),
    })) {
      page.push(resolved);
    }
    return page;
  }

  private startSubscription(isReconnect: boolean): void {
    if (this.closed || this.listeners.size === 0) return;
    const generation = ++this.subscriptionGeneration;
    const current = () => generation === this.subscriptionGeneration && !this.closed;
    this.subscriptionStart().then(
      ({ from, fresh }) => {
        if (!current()) return;
        // Only the start that opens the subscription sets the feed's origin, so a superseded one cannot leave a gap.
        if (fresh) this.feed.startAfter(from);
        this.openSubscription(generation, from, isReconnect);
      },
      (error: unknown) => {
        if (current()) this.scheduleReconnect(error);
      },
    );
  }

  /**
   * Where the live subscription starts: right after the last event the previous one delivered, so the
   * feed goes on without a gap; on a first start (`fresh`), after the current head (read from `$all`).
   */
  private async subscriptionStart(): Promise<{ from: bigint | null; fresh: boolean }> {
    const resume = this.feed.resumeFrom;
    if (resume !== undefined) return { from: resume, fresh: false };
    return { from: await this.headPosition(), fresh: true };
  }

  private openSubscription(generation: number, from: bigint | null, isReconnect: boolean): void {
    const current = () => generation === this.subscriptionGeneration && !this.closed;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        // Exclusive of `from`: it is an event's own position (commit == prepare), never a filter checkpoint.
        fromPosition: from === null ? START : { commit: from, prepare: from },
        resolveLinkTos: false,
        filter: excludeSystemEvents(),
      });
    } catch (error) {
      this.scheduleReconnect(error);
      return;
    }
    this.subscription = subscription;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed || !current()) return;
      failed = true;
      this.subscription = undefined;
      this.feed.down();
      void subscription.unsubscribe().catch(() => undefined);
      this.scheduleReconnect(error);
    };
    subscription.on('confirmation', () => {
      if (!current()) return;
      this.reconnectAttempt = 0;
      if (isReconnect) this.notifyListeners();
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (!current()) return;
      this.reconnectAttempt = 0;
      const position = allPosition(resolved);
      const user = isUserEvent(resolved);
      if (position !== undefined) this.feed.deliver(position, user ? toRecordedEvent(resolved.event as EsdbRecorded, position) : undefined);
      if (user) this.notifyListeners();
    });
    subscription.on('caughtUp', () => {
      if (!current()) return;
      this.feed.caughtUp();
      this.notifyListeners();
    });
    subscription.on('error', (error: Error) => fail(error));
    subscription.on('end', () => fail(new Error('EventStoreDB ended the $all subscription')));
    subscription.on('close', () => fail(new Error('EventStoreDB $all subscription closed')));
  }

  private scheduleReconnect(error: unknown): void {
    if (this.closed || this.listeners.size === 0 || this.reconnectTimer) return;
    this.reconnectAttempt += 1;
    try {
      this.options.onSubscriptionError?.(error, this.reconnectAttempt);
    } catch {
      // A failing reporter must not stop the reconnects.
    }
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    const delay = backoffMs(this.reconnectAttempt - 1, initial, max);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.startSubscription(true);
    }, delay);
    this.reconnectTimer.unref();
  }

  private async stopSubscription(): Promise<void> {
    this.subscriptionGeneration += 1;
    this.reconnectAttempt = 0;
    this.feed.clear();
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
    }
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription) await subscription.unsubscribe().catch(() => undefined);
  }

  private notifyListeners(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener is a wake-up hint; one that throws must not starve the others.
      }
    }
  }
}

/** Masks the user-info part (`user:password@`) of a URL-like string. */
export function redactConnectionString(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1***:***@');
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return 'no_stream';
  if (expected === 'any') return 'any';
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new Error(`expected revision must be a non-negative integer, 'no_stream' or 'any', got ${String(expected)}`);
  }
  return BigInt(expected);
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return (
    error instanceof WrongExpectedVersionError ||
    (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'wrong-expected-version')
  );
}

function isStreamNotFound(error: unknown): boolean {
  return (
    error instanceof StreamNotFoundError ||
    (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'stream-not-found')
  );
}

function toActual(actual: unknown): number | 'no_stream' {
  if (typeof actual === 'bigint') return actual < 0n ? 'no_stream' : Number(actual);
  if (typeof actual === 'number') return actual < 0 ? 'no_stream' : actual;
  return 'no_stream';
}

/** Our events only: JSON, not a link, neither a system event type nor a system stream. */
function isUserEvent(resolved: AllStreamResolvedEvent): boolean {
  const event = resolved.event;
  return (
    event !== undefined && resolved.link === undefined && event.isJson && !event.type.startsWith('$') && !event.streamId.startsWith('$')
  );
}

function allPosition(resolved: AllStreamResolvedEvent): bigint | undefined {
  const position = resolved.event?.position?.commit ?? resolved.link?.position?.commit ?? resolved.commitPosition;
  return position === undefined || position === NO_POSITION ? undefined : position;
}

/** The `$all` position of an event read from its stream (EventStoreDB ≥ 22.6 sends it). */
function streamPosition(recorded: EsdbRecorded): bigint {
  const commit = recorded.position?.commit;
  if (commit === undefined || commit === NO_POSITION) {
    throw new Error(
      `EventStoreDB returned no $all position for event ${recorded.revision} of stream ${recorded.streamId}: ` +
        'this adapter needs EventStoreDB 22.6 or later (and events not written in explicit transactions)',
    );
  }
  return commit;
}

/** What the hash chain needs of a stored event (no `$all` position required). */
function chainable(recorded: EsdbRecorded) {
  return {
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    id: recorded.id,
    type: recorded.type,
    data: recorded.data ?? {},
    metadata: parseMetadata(recorded.metadata),
  };
}

/**
 * An `'any'` re-append: the batch's ids found in order in `tail` (the stream's last events, oldest
 * first) answers with the original result; ids found only partly, or out of order, are a reused id.
 */
function findReplay(streamId: string, tail: EsdbRecorded[], events: NewEvent[]): AppendResult | null {
  const start = tail.findIndex((recorded) => recorded.id === events[0].id);
  if (start < 0) {
    const ids = new Set(tail.map((recorded) => recorded.id));
    const reused = events.find((event) => ids.has(event.id));
    if (reused) throw new DuplicateEventIdError(streamId, reused.id);
    return null;
  }
  for (let i = 1; i < events.length; i++) {
    if (tail[start + i]?.id !== events[i].id) throw new DuplicateEventIdError(streamId, events[i].id);
  }
  const last = tail[start + events.length - 1];
  return { nextExpectedRevision: Number(last.revision), position: streamPosition(last) };
}

function toRecordedEvent(recorded: EsdbRecorded, position: bigint): RecordedEvent {
  return {
    id: recorded.id,
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    position,
    type: recorded.type,
    data: (recorded.data ?? {}) as Record<string, unknown>,
    metadata: parseMetadata(recorded.metadata),
    recordedAt: toDate(recorded.created),
  };
}

/**
 * The 6.2.1 client already parses JSON metadata; it hands back raw bytes only when they are not valid
 * JSON, and `undefined` when there are none.
 */
function parseMetadata(metadata: unknown): EventMetadata {
  if (metadata instanceof Uint8Array) {
    try {
      return JSON.parse(Buffer.from(metadata).toString('utf8')) as EventMetadata;
    } catch {
      return {} as EventMetadata;
    }
  }
  if (typeof metadata === 'string') {
    try {
      return JSON.parse(metadata) as EventMetadata;
    } catch {
      return {} as EventMetadata;
    }
  }
  return (metadata ?? {}) as EventMetadata;
}

/** 1 ms in .NET ticks (100 ns). */
const TICKS_PER_MS = 10_000n;

/**
 * `created` is a `Date` in client 6.2.1 (it converts the server's ticks since the Unix epoch itself).
 * Older/newer clients handed out the raw tick count, so a number/bigint/string is converted the same way.
 */
function toDate(created: unknown): Date {
  if (created instanceof Date) return created;
  if (typeof created === 'bigint') return new Date(Number(created / TICKS_PER_MS));
  if (typeof created === 'number') return new Date(Math.floor(created / 10_000));
  if (typeof created === 'string' && /^\d+$/.test(created)) return new Date(Number(BigInt(created) / TICKS_PER_MS));
  return new Date(0);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function scrub(message: string, url: string, redacted: string): string {
  return url === redacted ? message : message.split(url).join(redacted);
}

/** The client's parse errors quote the whole string (credentials included): rebuild the message. */
function describeParseError(error: unknown, url: string, redacted: string): string {
  const parse = error as { expected?: unknown; location?: unknown };
  if (typeof parse.expected === 'string' && Array.isArray(parse.location) && typeof parse.location[0] === 'number') {
    return `expected ${parse.expected} at character ${parse.location[0] + 1}`;
  }
  return scrub(errorMessage(error), url, redacted);
}
