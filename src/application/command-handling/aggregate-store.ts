import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandOrigin, Decider, DomainEvent, fold } from '../../domain/shared/decider';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../ports/event-store.port';
import { KeyedSerialQueue } from '../shared/keyed-serial-queue';
import { AGGREGATE_CACHE_EVENTS, AggregateCache, CachedAggregate, DEFAULT_AGGREGATE_CACHE_EVENTS } from './aggregate-cache';
import { AggregateSnapshots, SnapshotAt, snapshotEventKey } from './aggregate-snapshots';
import { copyState } from './copy-state';
import { uuidV5 } from './deterministic-id';
import { schemaVersionOf, upcast } from './upcasters';

/**
 * The decision handle() retries: a synchronous, pure function of the state it is decided on (null
 * decides nothing). It may run several times — once per version conflict — so it does no I/O.
 */
export type Decide<S, C> = (state: S) => C | null;

/**
 * A command that needs I/O, and whose I/O depends on the stream's state (what a master's message means
 * depends on the state the master is in): `prepare` does the I/O once, `decide` is what is retried.
 */
export interface PreparedCommand<S, C, P> {
  /**
   * Every I/O the command needs (a Telegram call, sealing content, a lookup, another stream's state),
   * from the state as read when the command's turn on the stream comes: run once per handling, never
   * again on a version conflict, and not at all for a message the stream already records.
   */
  prepare(state: S): Promise<P>;
  /**
   * Pure and synchronous: the command, from the state it is decided on (after a conflict, fresher than
   * the one `prepare` saw: compare what matters) and what `prepare` found.
   */
  decide(state: S, prepared: P): C | null;
}

export interface HandleResult<S, E> {
  state: S;
  events: E[];
  /** The update was already recorded in this stream: nothing was decided or written. */
  duplicate: boolean;
  position: bigint | null;
}

/**
 * The one command-handling mechanism: fold the stream, decide, append with the revision folded up to.
 * A conflict (another writer got there first) re-reads the stream and re-runs the pure decision, so
 * concurrent commands on one aggregate never lose an update.
 *
 * Folded state is kept in a bounded cache (`AggregateCache`), so a command on a hot stream reads
 * nothing: it is decided on the cached fold and appended with the cached revision as the expected
 * one — if another process (the CLI recording an erasure, a second writer) appended meanwhile, the
 * append fails, the entry is dropped, and the command is decided again on the whole stream read
 * afresh. A decision that appends nothing cannot be caught that way, so it first reads the stream's
 * tail (events after the cached revision) and decides again if there is one.
 *
 * Only "fold, decide, append at the revision folded up to" is ever retried, so the decision is pure:
 * a command is a value or a synchronous function of the state (`Decide`). A command that needs I/O does
 * it before handle(), or — when which I/O depends on this stream's state — in `prepare` of
 * handlePrepared(), once, before the retries.
 *
 * A message (Telegram update, or the event a reactor reacts to) that the stream already records as a
 * causation is dropped before deciding (and before `prepare`): redelivery has one effect. Event ids are UUIDv5 of
 * (stream, causation, index), so two concurrent deliveries of one update collapse into one append.
 */
@Injectable()
export class AggregateStore {
  private readonly logger = new Logger(AggregateStore.name);
  static readonly MAX_ATTEMPTS = 10;
  /** Commands on one stream run one at a time in this process (see handle). */
  private readonly streams = new KeyedSerialQueue();
  private readonly cache: AggregateCache;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(AGGREGATE_CACHE_EVENTS) cacheEvents?: number,
    @Optional() @Inject(AggregateSnapshots) private readonly snapshots?: AggregateSnapshots | null,
  ) {
    this.cache = new AggregateCache(cacheEvents ?? DEFAULT_AGGREGATE_CACHE_EVENTS);
  }

  /**
   * Saves the held folds of long streams that grew since their last snapshot (see AggregateSnapshots): at shutdown,
   * once intake and the processors stopped, so the next start reads their tails only. A reaction still running past
   * its grace may append meanwhile: a fold that moved on (or broke) while its last event was read is not saved.
   * Returns how many were saved.
   */
  async saveSnapshots(): Promise<number> {
    if (!this.snapshots) return 0;
    let saved = 0;
    for (const [streamId, entry] of this.cache.held()) {
      const kind = (entry.decider as { name?: string }).name;
      if (!kind || entry.broken || !this.snapshots.due(entry.revision, entry.savedAt)) continue;
      const revision = entry.revision;
      const [last] = await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
      // The state is folded in place: after the read it may be past `revision` (it is then saved at the next stop).
      if (!last || last.revision !== revision || entry.broken || entry.revision !== revision) continue;
      this.snapshots.save(streamId, kind, entry, last);
      entry.savedAt = revision;
      saved += 1;
    }
    return saved;
  }

  /**
   * The whole stream as recorded (upcast) and its fold: one full read, which also refreshes the cache.
   * The state is the caller's own (a copy of the cached fold), so it stays the fold of `recorded`.
   */
  async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const { recorded, entry } = await this.readWhole(streamId, decider);
    return { recorded, state: copyState(entry.state) };
  }

  /**
   * The stream's current fold (as `current()`) and its last `count` events as recorded, upcast: for a reactor that
   * looks for recent events (an album's items, recorded within a second of each other) without reading a long
   * stream whole. Events before them are not read: a caller must do without them.
   */
  async recent<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, count: number) {
    const state = await this.current(streamId, decider);
    const revision = this.cache.get<S>(streamId, decider)?.revision;
    const fromRevision = revision === undefined ? 0 : Math.max(0, revision - count + 1);
    const recorded = ofStream<E>(await this.store.readStream(streamId, { fromRevision }));
    return { recorded, state };
  }

  /**
   * The one event at `revision` of the stream, upcast (a read of that event alone); `undefined` when the stream
   * has none there. For a reader that knows from a fold where an event it needs is, instead of `load()`ing the
   * whole stream to look for it.
   */
  async eventAt<E extends DomainEvent>(streamId: string, revision: number): Promise<RecordedEvent<E> | undefined> {
    const [event] = ofStream<E>(await this.store.readStream(streamId, { fromRevision: revision, maxCount: 1 }));
    return event?.revision === revision ? event : undefined;
  }

  /**
   * The stream's current fold, for deciding what to do next (a reactor): from the cache plus the
   * events recorded since (one read of the tail, usually empty), or folded whole on a miss.
   *
   * The state is the cache's own: read it, never change it. It moves on in place as later events of the
   * stream are folded in (see `extend`), so what was read before an await may be newer after it.
   */
  async current<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<S> {
    const cached = this.cache.get<S>(streamId, decider);
    if (!cached) return (await this.readAfresh(streamId, decider)).state;
    return (await this.catchUp(streamId, decider, cached)).state;
  }

  /**
   * Decides `command` on the stream's current state and appends what it decides, at the revision it was
   * decided on; on a version conflict, decides again on the stream read afresh.
   * @param command the command, or a pure, synchronous function building it from the state (see Decide).
   * @throws TypeError when the function returns a promise (I/O inside the retried decision); nothing is appended.
   */
  handle<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C | Decide<S, NoInfer<C>>,
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    const decide: Decide<S, C> = typeof command === 'function' ? (command as Decide<S, C>) : () => command;
    return this.streams.run(streamId, () => this.decideAndAppend(streamId, decider, { decide }, origin));
  }

  /**
   * handle() for a command whose I/O depends on this stream's state: `prepare` runs once, in the stream's
   * turn (so no other command of this process lands between it and the decision), on the state read up to
   * the stream's end; only `decide` is retried. The stream's turn is held during the I/O: keep it short,
   * and never handle a command on this same stream from `prepare` (it would wait for itself).
   */
  handlePrepared<C, E extends DomainEvent, S, P>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: PreparedCommand<S, NoInfer<C>, P>,
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    return this.streams.run(streamId, () => this.decideAndAppend(streamId, decider, command, origin));
  }

  private async decideAndAppend<C, E extends DomainEvent, S, P>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: { prepare?: (state: S) => Promise<P>; decide: (state: S, prepared: P) => C | null },
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    let entry = this.cache.get<S>(streamId, decider);
    // Whether `entry` is known to be the whole stream (just read), not only a prefix of it.
    let verified = false;
    let prepared: { found: P } | undefined;
    for (let attempt = 1; ; attempt++) {
      if (!entry) {
        entry = await this.readAfresh(streamId, decider);
        verified = true;
      }
      if (entry.causations.has(origin.causationId)) return { state: entry.state, events: [], duplicate: true, position: null };
      if (command.prepare && !prepared) {
        // The I/O is done on the stream as recorded now (a cached fold may miss another process's events),
        // so a conflict after it is only a writer that got in during the I/O itself.
        if (!verified) {
          entry = await this.catchUp(streamId, decider, entry);
          verified = true;
          if (entry.causations.has(origin.causationId)) return { state: entry.state, events: [], duplicate: true, position: null };
        }
        prepared = { found: await command.prepare(entry.state) };
      }
      // A reader's fold into this entry failed while `prepare` ran: its state is no fold of anything.
      if (entry.broken) {
        entry = undefined;
        continue;
      }
      const resolved = command.decide(entry.state, prepared?.found as P);
      if (isThenable(resolved))
        throw new TypeError(`a decision on ${streamId} returned a promise: do I/O before handle(), or in handlePrepared()'s prepare`);
      const events = resolved === null ? [] : decider.decide(resolved, entry.state);
      if (events.length === 0) {
        if (verified) return { state: entry.state, events, duplicate: false, position: null };
        const before = entry.revision;
        entry = await this.catchUp(streamId, decider, entry);
        verified = true;
        if (entry.revision === before) return { state: entry.state, events, duplicate: false, position: null };
        continue;
      }
      // Taken before the append: a reader's catch-up may fold these very events into the entry meanwhile.
      const base = entry.revision;
      const expected = base < 0 ? 'no_stream' : base;
      try {
        const result = await this.store.appendToStream(
          streamId,
          events.map((e, i) => toNewEvent(streamId, e, i, origin, commandType(resolved))),
          expected,
        );
        entry.causations.add(origin.causationId);
        // Folded as the store will give them back (JSON), so the cached state is the one a re-read would fold.
        const asStored = events.map((e, i) => ({
          revision: base + 1 + i,
          event: { type: e.type, data: JSON.parse(JSON.stringify(e.data)) as unknown } as E,
        }));
        // A re-append the store found whole at this very revision (another writer, same update, same ids) answers
        // like a fresh one: the cache then holds our copy of the data (see WARNINGS in docs/architecture.md).
        // Anywhere else in the stream it says nothing certain about the fold: the entry is let go, and the
        // caller gets the decided events folded into a copy.
        if (result.nextExpectedRevision !== base + events.length) {
          this.cache.remove(streamId);
          // A reader's catch-up may have moved the entry on meanwhile (these very events, maybe): then the stream is read afresh.
          const state =
            entry.revision === base && !entry.broken
              ? // Folded as if at the revisions decided on: what the caller gets back; the cache holds nothing of it.
                asStored.reduce((folded, { event, revision }) => decider.evolve(folded, event, revision), copyState(entry.state))
              : copyState((await this.readAfresh(streamId, decider)).state);
          return { state, events, duplicate: false, position: result.position };
        }
        if (entry.broken)
          return { state: (await this.readAfresh(streamId, decider)).state, events, duplicate: false, position: result.position };
        this.extend(streamId, entry, asStored);
        return { state: entry.state, events, duplicate: false, position: result.position };
      } catch (error) {
        // A conflict means another writer (another process: this one serialises per stream) got there
        // first; a duplicate id means a concurrent delivery of this very message did. Both: read again.
        this.cache.remove(streamId);
        entry = undefined;
        verified = false;
        const retryable = error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;
        if (!retryable || attempt >= AggregateStore.MAX_ATTEMPTS) throw error;
        this.logger.debug(`conflict on ${streamId} (attempt ${attempt}); deciding again`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * The stream folded afresh into a new cache entry: from its snapshot and the events after it when it has a usable one
   * (see AggregateSnapshots), read whole otherwise. A long stream's fold is saved as it is read (see `due`).
   */
  private async readAfresh<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<CachedAggregate<S>> {
    const kind = this.snapshots ? decider.name : undefined;
    const restored = kind ? this.snapshots!.restore<S>(streamId, kind) : undefined;
    if (kind && restored) {
      // One read: the event the snapshot was taken at (is it still this stream's?), then the tail after it.
      const read = ofStream<E>(await this.store.readStream(streamId, { fromRevision: restored.revision }));
      if (read[0]?.revision === restored.revision && snapshotEventKey(read[0]) === restored.eventId) {
        const tail = read.slice(1);
        const entry: CachedAggregate<S> = {
          decider,
          state: await this.foldInTurns(decider, tail, restored.state),
          revision: tail.length === 0 ? restored.revision : tail[tail.length - 1].revision,
          causations: restored.causations,
          savedAt: restored.revision,
        };
        for (const event of tail) entry.causations.add(event.metadata.causationId);
        this.cache.put(streamId, entry);
        this.saveIfDue(streamId, kind, entry, tail[tail.length - 1]);
        return entry;
      }
      this.logger.log(`the snapshot of ${streamId} is not of the stream as recorded now: it is read whole`);
      this.snapshots!.forget(streamId, kind);
    }
    const { recorded, entry } = await this.readWhole(streamId, decider);
    if (kind) this.saveIfDue(streamId, kind, entry, recorded[recorded.length - 1]);
    return entry;
  }

  /** Saves the entry's fold, just read up to `last`, when it is long enough and grew enough (synchronous: nothing moves it meanwhile). */
  private saveIfDue<S>(streamId: string, kind: string, entry: CachedAggregate<S>, last: SnapshotAt | undefined): void {
    if (!last || last.revision !== entry.revision || !this.snapshots!.due(entry.revision, entry.savedAt)) return;
    this.snapshots!.save(streamId, kind, entry, last);
    entry.savedAt = entry.revision;
  }

  /** The whole stream as recorded and its fold, in a new cache entry (`load()`, and `readAfresh` without a snapshot). */
  private async readWhole<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const recorded = ofStream<E>(await this.store.readStream(streamId));
    const entry: CachedAggregate<S> = {
      decider,
      state: await this.foldInTurns(decider, recorded, decider.initialState()),
      revision: recorded.length === 0 ? -1 : recorded[recorded.length - 1].revision,
      causations: new Set(recorded.map((e) => e.metadata.causationId)),
    };
    this.cache.put(streamId, entry);
    return { recorded, entry };
  }

  /**
   * `events` folded into `state`, `FOLD_TURN` at a time with the event loop's other work between them: a long
   * stream's first command after a start (or an eviction) delays that stream's own work, not every tenant's
   * (~7 µs per event folded: 0.7 s at 100,000 events, which until 2026-11-29 held the shared thread at once, and
   * the SQLite store's read of it ~0.6 s more).
   */
  private async foldInTurns<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, events: RecordedEvent<E>[], state: S): Promise<S> {
    for (let from = 0; from < events.length; from += FOLD_TURN) {
      if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const turn = events.slice(from, from + FOLD_TURN).map((event) => ({ event: asDomainEvent<E>(event), revision: event.revision }));
      state = fold(decider, turn, state);
    }
    return state;
  }

  /** `entry` with the events recorded after it folded in (in place; a new entry only when the stream must be read whole). */
  private async catchUp<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, entry: CachedAggregate<S>) {
    const afresh = () => this.readAfresh(streamId, decider);
    if (entry.broken) return afresh();
    const tail = ofStream<E>(await this.store.readStream(streamId, { fromRevision: entry.revision + 1 }));
    if (entry.broken) return afresh();
    if (tail.length === 0) return entry;
    // Another catch-up or an append of this process may have folded some of the tail meanwhile: those are skipped.
    const first = tail.findIndex((event) => event.revision > entry.revision);
    if (first === -1) return entry;
    if (tail[first].revision !== entry.revision + 1) return afresh();
    for (const event of tail) entry.causations.add(event.metadata.causationId);
    this.extend(
      streamId,
      entry,
      tail.slice(first).map((event) => ({ revision: event.revision, event: asDomainEvent<E>(event) })),
    );
    return entry;
  }

  /**
   * Folds `events` (the revisions right after the entry's, in order) into the entry, in place, and puts it again.
   *
   * In place, not into a copy: a copy of the state costs as much as the state is large (sets and maps keyed by
   * message id grow with the conversation), which made every message of a long conversation dearer — ~0.3 ms
   * per copy at 1,000 messages, ~7 ms at 10,000, two or three copies per relayed message. Safe because each
   * event is folded once, by its revision: commands on a stream run one at a time in this process, and a
   * reader's catch-up skips what an append folded meanwhile (and the other way round). A fold that throws
   * leaves a state half folded: the entry is marked broken and dropped, so whoever still holds it (a command
   * awaiting its append, a reader awaiting its read) reads the stream afresh instead of folding into it.
   */
  private extend<S, E extends DomainEvent>(streamId: string, entry: CachedAggregate<S>, events: { revision: number; event: E }[]): void {
    const decider = entry.decider as Decider<unknown, E, S>;
    if (entry.broken) throw new Error(`${streamId}: a fold into this state failed before; it is read afresh`);
    try {
      for (const { revision, event } of events) {
        if (revision <= entry.revision) continue;
        if (revision !== entry.revision + 1) throw new Error(`${streamId}: revision ${revision} folded after ${entry.revision}`);
        entry.state = decider.evolve(entry.state, event, revision);
        entry.revision = revision;
      }
    } catch (error) {
      entry.broken = true;
      this.cache.remove(streamId);
      throw error;
    }
    this.cache.put(streamId, entry);
  }
}

/** Events folded in one go when a stream is read whole, before the event loop gets a turn (see readWhole). */
export const FOLD_TURN = 1000;

/**
 * A stream's events, upcast, as its aggregate's union: every event in a stream was decided by that
 * stream's decider, and upcasting lifts it to the current shape. The command side's one trust point
 * between stored JSON and typed events (see RecordedEvent's WARNING).
 */
function ofStream<E extends DomainEvent>(events: RecordedEvent[]): RecordedEvent<E>[] {
  return events.map(upcast) as RecordedEvent<E>[];
}

/** The domain's view of a recorded event: its type and data, without the store's envelope. */
function asDomainEvent<E extends DomainEvent>(event: RecordedEvent<E>): E {
  return { type: event.type, data: event.data } as E;
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The command's name (`Start`, `SubmitBotToken`, …): the trigger an auditor sees next to each event. */
function commandType(command: unknown): string | undefined {
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

function toNewEvent(streamId: string, event: DomainEvent, index: number, origin: CommandOrigin, command: string | undefined): NewEvent {
  return {
    id: uuidV5(`${streamId}|${origin.causationId}|${index}`),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      schemaVersion: schemaVersionOf(event.type),
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      occurredAt: origin.occurredAt,
      ...(command !== undefined ? { command } : {}),
      ...(origin.updateId !== undefined ? { updateId: origin.updateId, updateSource: origin.updateSource } : {}),
    },
  };
}
