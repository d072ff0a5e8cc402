import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandOrigin, Decider, DomainEvent } from '../../domain/shared/decider';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
} from '../ports/event-store.port';
import { KeyedSerialQueue } from '../shared/keyed-serial-queue';
import { AGGREGATE_CACHE_EVENTS, AggregateCache, DEFAULT_AGGREGATE_CACHE_EVENTS } from './aggregate-cache';
import { AggregateSnapshots } from './aggregate-snapshots';
import { ofStream, StreamFolds } from './stream-folds';
import { copyState } from './copy-state';
import { uuidV5 } from './deterministic-id';
import { schemaVersionOf } from './upcasters';

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
 * tail (events after the cached revision) and decides again if there is one — unless the store can tell,
 * without a read, that there is none (`EventStore.tailIsEmpty`: the embedded store, when nobody else wrote).
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
  private readonly folds: StreamFolds;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(AGGREGATE_CACHE_EVENTS) cacheEvents?: number,
    @Optional() @Inject(AggregateSnapshots) snapshots?: AggregateSnapshots | null,
  ) {
    this.cache = new AggregateCache(cacheEvents ?? DEFAULT_AGGREGATE_CACHE_EVENTS);
    this.folds = new StreamFolds(store, this.cache, snapshots);
  }

  /** See StreamFolds.saveSnapshots: at shutdown. */
  saveSnapshots(): Promise<number> {
    return this.folds.saveSnapshots();
  }

  /**
   * The whole stream as recorded (upcast) and its fold: one full read, which also refreshes the cache.
   * The state is the caller's own (a copy of the cached fold), so it stays the fold of `recorded`.
   */
  async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const { recorded, entry } = await this.folds.readWhole(streamId, decider);
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
   * events recorded since (one read of the tail, none when the store knows it is empty), or folded whole on a miss.
   *
   * The state is the cache's own: read it, never change it. It moves on in place as later events of the
   * stream are folded in (see `extend`), so what was read before an await may be newer after it.
   */
  async current<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<S> {
    const cached = this.cache.get<S>(streamId, decider);
    if (!cached) return (await this.folds.readAfresh(streamId, decider)).state;
    return (await this.folds.catchUp(streamId, decider, cached)).state;
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
        entry = await this.folds.readAfresh(streamId, decider);
        verified = true;
      }
      if (entry.causations.has(origin.causationId)) return { state: entry.state, events: [], duplicate: true, position: null };
      if (command.prepare && !prepared) {
        // The I/O is done on the stream as recorded now (a cached fold may miss another process's events),
        // so a conflict after it is only a writer that got in during the I/O itself.
        if (!verified) {
          entry = await this.folds.catchUp(streamId, decider, entry);
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
        entry = await this.folds.catchUp(streamId, decider, entry);
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
              : copyState((await this.folds.readAfresh(streamId, decider)).state);
          return { state, events, duplicate: false, position: result.position };
        }
        if (entry.broken)
          return { state: (await this.folds.readAfresh(streamId, decider)).state, events, duplicate: false, position: result.position };
        this.folds.extend(streamId, entry, asStored);
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
