import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { fdatasync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AppendResult,
  checkStreamRead,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  StreamReadOptions,
  WrongExpectedRevisionError,
} from '../../application/ports/event-store.port';
import { WalSync } from '../sqlite/wal-sync';
import { EventRow, EventStatements, openEventTable, toRecorded } from './sqlite-event-table';
import { ChainHead, ChainHeads } from './chain-heads';
import { GENESIS, linkHash, sealChain } from './hash-chain';
import { ANY_REPLAY_WINDOW, findReplayAfter, findReplayInTail, refuseRepeatedIds } from './replays';

const logger = new Logger('EventStore');

/** A stream's event as a re-append's check reads it (`replays.ts`). */
interface StoredId {
  id: string;
  revision: bigint;
  position: bigint;
}
const resultOf = (last: StoredId): AppendResult => ({ nextExpectedRevision: Number(last.revision), position: BigInt(last.position) });

interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Events read from one stream at a time before the event loop gets its turn (see `readStream`). */
const STREAM_PAGE = 1000;

/**
 * The embedded event store: one SQLite file in WAL mode, an append that returned is on disk: each group
 * commit is flushed with fdatasync off the event loop (`WalSync`), and no append resolves, no reader of
 * `readAll`/`headPosition` sees its events and no `onAppended` listener hears of them before that flush. Same guarantees
 * as EventStoreDB where the port promises them: unique (stream, revision), a dense global position, atomic
 * multi-event appends with an expected revision, a re-append recognised within its stream (ids are not unique
 * across the store, as on EventStoreDB: `replays.ts`).
 * Each append seals its events into the stream's hash chain (`hash-chain.ts`) inside an IMMEDIATE
 * transaction (and its own savepoint when it has several events), so the predecessor it links to cannot
 * change underneath it.
 *
 * Another process (the CLI) may append to the same file; `onAppended` then fires only through the
 * poll timer (`pollIntervalMs`), never instantly.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<() => void>();
  private pollTimer?: NodeJS.Timeout;
  private lastSeenHead: bigint | null = null;
  private readonly pending: PendingAppend[] = [];
  /** Commits on disk only when their flush ends (see WalSync). */
  private readonly durability: WalSync;
  /**
   * The first position of each group commit not yet flushed, oldest first: readAll and headPosition stop
   * below the first, so nobody acts on an event a power loss could still take back.
   */
  private readonly unflushed: bigint[] = [];
  /** The first position each append of the group being committed inserted (appends that inserted nothing add none). */
  private insertedFrom: bigint[] = [];
  /** Chain heads written by the appends of the group being committed, in order (kept only once it commits). */
  private sealedHeads: [string, ChainHead][] = [];
  /** `append` wrapped in a nested better-sqlite3 transaction, i.e. a SAVEPOINT inside the group's transaction (batches of several events). */
  private readonly appendInSavepoint: (streamId: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult;
  private readonly statements: EventStatements;
  /** Streams' chain heads as committed by this process, checked against the stored head before use. */
  private readonly chainHeads = new ChainHeads();
  /** SQLite's count of commits by other connections to the file (`PRAGMA data_version`): see `writeMark`. */
  private readonly dataVersion: Database.Statement;

  /** `datasync`: how a group commit is flushed (fs.fdatasync; a test passes one it controls). */
  constructor(
    readonly file: string,
    private readonly pollIntervalMs = 500,
    datasync?: typeof fdatasync,
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.durability = new WalSync(this.db, file, datasync);
    this.db.pragma('busy_timeout = 5000');
    this.db.defaultSafeIntegers(true);
    this.statements = openEventTable(this.db, (events) =>
      logger.log(`${file}: rebuilding the events table once, without its index of event ids (${events} events)…`),
    );
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.appendInSavepoint = this.db.transaction((streamId: string, events: NewEvent[], expected: ExpectedRevision) =>
      this.append(streamId, events, expected),
    );
  }

  /**
   * Group commit: appends share one transaction and one fsync. Each append still has its own expected-revision
   * check and is all-or-nothing on its own (`appendOne`), so one conflicting append fails alone; none resolves
   * before the shared commit is on disk (flushed off the event loop, which meanwhile takes the next requests).
   *
   * A group is what arrives until the disk is free: with no flush running, the appends of this turn of the event
   * loop; while one runs, every append until it ends, committed together the moment it ends and flushed next.
   * None of those could be on disk sooner (a flush covers only what was committed before it started), and one
   * transaction instead of one per turn writes each shared page once: the stream index's pages, the table's last
   * page and the file's header.
   */
  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('appendToStream needs at least one event'));
    return new Promise((resolve, reject) => {
      this.pending.push({ streamId, events, expected, resolve, reject });
      if (this.pending.length === 1) this.durability.beforeNextFlush(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const outcomes: ({ ok: AppendResult } | { error: unknown })[] = [];
    this.sealedHeads = [];
    this.insertedFrom = [];
    try {
      this.db
        .transaction(() => {
          for (const request of batch) {
            try {
              outcomes.push({ ok: this.appendOne(request.streamId, request.events, request.expected) });
            } catch (error) {
              outcomes.push({ error });
            }
          }
        })
        .immediate();
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    // Only now: a head from a savepoint or transaction that rolled back could name a position SQLite hands out again.
    for (const [streamId, head] of this.sealedHeads) this.chainHeads.set(streamId, head);
    const from = this.insertedFrom.reduce<bigint | null>((low, position) => (low === null || position < low ? position : low), null);
    if (from !== null) this.unflushed.push(from);
    // Replays and refusals wait too: a replay may have found events of a commit still being flushed.
    this.durability.committed().then(
      () => {
        if (from !== null) this.unflushed.shift();
        batch.forEach((request, i) => {
          const outcome = outcomes[i];
          if ('ok' in outcome) request.resolve(outcome.ok);
          else request.reject(outcome.error);
        });
        if (from !== null) this.notify();
      },
      (error: unknown) => {
        // Committed but maybe not on disk, and never will be known to be: hidden from readers for good.
        for (const request of batch) request.reject(error);
      },
    );
  }

  /**
   * One append of a group commit, alone: it stores all its events or none, and a failure leaves the group's other
   * appends as they are. A batch of several events runs in its own savepoint; a single event needs none, since the
   * one INSERT that writes it either succeeds or changes nothing (SQLite rolls back a failed statement by itself).
   *
   * A re-append of events already stored (a redelivered command) is recognised within its stream, as on
   * EventStoreDB (`replays.ts`): at an explicit expected revision, only when the stream has moved on (the events
   * right after that revision are then compared), so the happy path reads nothing more; with `'any'`, among the
   * stream's last ANY_REPLAY_WINDOW events, read first.
   */
  private appendOne(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    refuseRepeatedIds(streamId, events);
    if (expected === 'any') {
      const tail = (this.statements.streamTail.all(streamId, Math.max(ANY_REPLAY_WINDOW, events.length)) as StoredId[]).reverse();
      const replay = findReplayInTail(streamId, tail, events, resultOf);
      if (replay) return replay;
    }
    try {
      return events.length === 1 ? this.append(streamId, events, expected) : this.appendInSavepoint(streamId, events, expected);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && expected !== 'any') {
        const after = expected === 'no_stream' ? 0 : expected + 1;
        const following = this.statements.streamIdsFrom.all(streamId, after, events.length) as StoredId[];
        const replay = findReplayAfter(streamId, following, events, resultOf);
        if (replay) return replay;
      }
      throw error;
    }
  }

  /** Writes nothing before its checks pass; `appendOne` gives a batch of several events its savepoint. */
  private append(streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult {
    // Read inside the group's transaction, so the predecessor's hash is the one really before these events.
    const last = this.lastLink(streamId);
    this.checkExpected(streamId, expected, last ? last.revision : 'no_stream');
    const recordedAt = new Date().toISOString();
    let revision = last ? last.revision : -1;
    const sealed = sealChain(streamId, revision + 1, last ? last.hash : GENESIS(streamId), events);
    let position = 0n;
    let first: bigint | null = null;
    for (const event of sealed) {
      revision += 1;
      const info = this.statements.insert.run({
        id: event.id,
        streamId,
        revision,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
        recordedAt,
      });
      position = BigInt(info.lastInsertRowid);
      first ??= position;
    }
    if (first !== null) this.insertedFrom.push(first);
    this.sealedHeads.push([streamId, { revision, position, hash: String(sealed[sealed.length - 1].metadata.hash) }]);
    return { nextExpectedRevision: revision, position };
  }

  /**
   * The stream as committed, including a group commit still being flushed. Safe for the aggregate store,
   * which runs one command per stream at a time: an append of its own to this stream has resolved (so
   * is on disk) before the next read of it. (A snapshot is checked by its event's chain hash, which a
   * re-append after a power loss would not repeat unless identical: see AggregateSnapshots.)
   *
   * better-sqlite3 reads synchronously: a long stream is read in pages of `STREAM_PAGE` events, the event loop
   * taking its other work between them (a 100,000-event stream read at once held every tenant ~0.6 s here).
   * Pages are read at different moments: an append by another process in between is simply read with the rest
   * (streams only grow).
   */
  async readStream(streamId: string, options: StreamReadOptions = {}): Promise<RecordedEvent[]> {
    const { fromRevision = 0, maxCount = Infinity, types } = checkStreamRead(options);
    const events: RecordedEvent[] = [];
    const typeList = types && JSON.stringify(types);
    let from = fromRevision;
    for (;;) {
      const limit = Math.min(STREAM_PAGE, maxCount - events.length);
      const rows = (
        typeList === undefined
          ? this.statements.readStreamSome.all(streamId, from, limit)
          : this.statements.readStreamOfTypes.all(streamId, from, typeList, limit)
      ) as EventRow[];
      for (const row of rows) events.push(toRecorded(row));
      if (rows.length < limit || events.length >= maxCount) return events;
      from = events[events.length - 1].revision + 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** In position order, up to the first event not yet flushed to disk (see `unflushed`). */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const below = this.unflushed[0];
    const rows = (
      below === undefined
        ? this.statements.readAll.all(options.after ?? 0n, options.maxCount)
        : this.statements.readAllBelow.all(options.after ?? 0n, below, options.maxCount)
    ) as EventRow[];
    return rows.map(toRecorded);
  }

  /**
   * The last position on disk: below any group commit still being flushed. Throws once a flush failed, so the
   * readiness probe (`/health`) reports the store down rather than a head nothing can be appended after.
   */
  async headPosition(): Promise<bigint | null> {
    const failed = this.durability.failed;
    if (failed) throw failed;
    const below = this.unflushed[0];
    if (below !== undefined) return below > 1n ? below - 1n : null;
    const row = this.statements.head.get() as { position: bigint | null };
    return row.position === null ? null : BigInt(row.position);
  }

  /**
   * SQLite's `PRAGMA data_version`: it changes when another connection — another process (the CLI, a replica), or
   * another store on the same file — commits, and never for this connection's own commits. Reading it reads no
   * table (a few µs against a stream read's tens).
   */
  writeMark(): unknown {
    return this.dataVersion.get();
  }

  /**
   * No other connection committed since `mark`, and this store's own last commit to the stream ended at `revision`:
   * nothing can follow it. A stream whose head this store does not remember (never appended here, or forgotten:
   * `ChainHeads` is bounded) is not certain: false.
   */
  tailIsEmpty(streamId: string, revision: number, mark: unknown): boolean {
    return this.chainHeads.get(streamId)?.revision === revision && this.dataVersion.get() === mark;
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.pollForForeignAppends(), this.pollIntervalMs);
      this.pollTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.pollTimer) {
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
      }
    };
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.listeners.clear();
    await this.durability.close();
    if (this.db.open) this.db.close();
  }

  /** The stream's last revision and the hash its next event links to; `null` when the stream does not exist. */
  private lastLink(streamId: string): { revision: number; hash: string } | null {
    // The stored head, from the index; if it is the very row this process last sealed (positions are never
    // reused once committed), its hash is known and the row itself need not be read and parsed.
    const head = this.statements.streamHead.get(streamId) as { revision: bigint; position: bigint } | undefined;
    if (!head) return null;
    const known = this.chainHeads.get(streamId);
    if (known && known.position === BigInt(head.position) && known.revision === Number(head.revision)) return known;
    const row = this.statements.lastEvent.get(streamId) as Pick<EventRow, 'revision' | 'id' | 'type' | 'data' | 'metadata'> | undefined;
    if (!row) return null;
    const revision = Number(row.revision);
    const metadata = JSON.parse(row.metadata) as EventMetadata;
    if (typeof metadata.hash === 'string') return { revision, hash: metadata.hash };
    return { revision, hash: linkHash({ streamId, revision, id: row.id, type: row.type, data: JSON.parse(row.data), metadata }) };
  }

  private checkExpected(streamId: string, expected: ExpectedRevision, head: number | 'no_stream'): void {
    if (expected === 'any') return;
    if (expected === 'no_stream' ? head !== 'no_stream' : head !== expected) {
      throw new WrongExpectedRevisionError(streamId, expected, head);
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private async pollForForeignAppends(): Promise<void> {
    if (!this.db.open) return;
    const head = await this.headPosition();
    if (head !== null && head !== this.lastSeenHead) {
      this.lastSeenHead = head;
      this.notify();
    }
  }
}
