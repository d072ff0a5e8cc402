import { Logger } from '@nestjs/common';
import { Decider, DomainEvent, fold } from '../../domain/shared/decider';
import { EventStore, RecordedEvent } from '../ports/event-store.port';
import { AggregateCache, CachedAggregate } from './aggregate-cache';
import { AggregateSnapshots, SnapshotAt, snapshotEventKey } from './aggregate-snapshots';
import { upcast } from './upcasters';

/**
 * How the aggregate store reads streams and keeps their folds in its cache: a stream read afresh (from its
 * snapshot, or whole and in turns), a held fold caught up with the events recorded since, events folded in place,
 * and the snapshots saved at shutdown. The deciding and appending, and when to read, are AggregateStore's.
 */
export class StreamFolds {
  private readonly logger = new Logger('AggregateStore');

  constructor(
    private readonly store: EventStore,
    private readonly cache: AggregateCache,
    private readonly snapshots?: AggregateSnapshots | null,
  ) {}

  /**
   * Saves the held folds of long streams that grew since their last snapshot (see AggregateSnapshots): at shutdown,
   * once intake and the processors stopped, so the next start reads their tails only. A reaction still running past
   * its grace may append meanwhile: a fold that moved on (or broke) while its last event was read is not saved.
   * Returns how many were saved.
   */
  async saveSnapshots(): Promise<number> {
    const snapshots = this.snapshots;
    if (!snapshots) return 0;
    let saved = 0;
    for (const [streamId, entry] of this.cache.held()) {
      const kind = entry.decider.name;
      if (!kind || entry.broken || !snapshots.due(entry.revision, entry.savedAt)) continue;
      const [last] = await this.store.readStream(streamId, { fromRevision: entry.revision, maxCount: 1 });
      // The state is folded in place: after the read it may be past `last` (it is then saved at the next stop).
      if (!entry.broken && this.saveIfDue(streamId, kind, entry, last)) saved += 1;
    }
    return saved;
  }

  /**
   * The stream folded afresh into a new cache entry: from its snapshot and the events after it when it has a usable one
   * (see AggregateSnapshots), read whole otherwise. A long stream's fold is saved as it is read (see `due`).
   */
  async readAfresh<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>): Promise<CachedAggregate<S>> {
    const snapshots = this.snapshots;
    const kind = snapshots ? decider.name : undefined;
    const restored = snapshots && kind ? snapshots.restore<S>(streamId, kind) : undefined;
    if (snapshots && kind && restored) {
      const writeMark = this.store.writeMark?.();
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
          writeMark,
        };
        for (const event of tail) entry.causations.add(event.metadata.causationId);
        this.cache.put(streamId, entry);
        this.saveIfDue(streamId, kind, entry, tail[tail.length - 1]);
        return entry;
      }
      this.logger.log(`the snapshot of ${streamId} is not of the stream as recorded now: it is read whole`);
      snapshots.forget(streamId, kind);
    }
    const { recorded, entry } = await this.readWhole(streamId, decider);
    if (kind) this.saveIfDue(streamId, kind, entry, recorded[recorded.length - 1]);
    return entry;
  }

  /**
   * Saves the entry's fold, up to `last` (the event just read at its revision), when it is long enough and grew
   * enough; synchronous, so nothing moves the fold meanwhile. Whether it was saved.
   */
  private saveIfDue<S>(streamId: string, kind: string, entry: CachedAggregate<S>, last: SnapshotAt | undefined): boolean {
    const snapshots = this.snapshots;
    if (!snapshots || !last || last.revision !== entry.revision || !snapshots.due(entry.revision, entry.savedAt)) return false;
    if (!snapshots.save(streamId, kind, entry, last)) return false;
    entry.savedAt = entry.revision;
    return true;
  }

  /** The whole stream as recorded and its fold, in a new cache entry (`load()`, and `readAfresh` without a snapshot). */
  async readWhole<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const writeMark = this.store.writeMark?.();
    const recorded = ofStream<E>(await this.store.readStream(streamId));
    const entry: CachedAggregate<S> = {
      decider,
      state: await this.foldInTurns(decider, recorded, decider.initialState()),
      revision: recorded.length === 0 ? -1 : recorded[recorded.length - 1].revision,
      causations: new Set(recorded.map((e) => e.metadata.causationId)),
      writeMark,
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

  /**
   * `entry` with the events recorded after it folded in (in place; a new entry only when the stream must be read whole).
   *
   * The tail is not read when the store can tell it is empty (`tailIsEmpty`): on the embedded store, when no other
   * connection has committed since the entry's last read and the store's own last append to the stream is the one
   * the entry ends with — a conversation in full flow, whose every command used to read an empty tail (two reads
   * per relayed message).
   */
  async catchUp<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, entry: CachedAggregate<S>) {
    if (entry.broken) return this.readAfresh(streamId, decider);
    if (entry.writeMark !== undefined && this.store.tailIsEmpty?.(streamId, entry.revision, entry.writeMark)) return entry;
    const writeMark = this.store.writeMark?.();
    const tail = ofStream<E>(await this.store.readStream(streamId, { fromRevision: entry.revision + 1 }));
    if (entry.broken) return this.readAfresh(streamId, decider);
    // The read found the stream's end as of `writeMark` (or later): later checks need only other writers' commits since.
    entry.writeMark = writeMark;
    if (tail.length === 0) return entry;
    // Another catch-up or an append of this process may have folded some of the tail meanwhile: those are skipped.
    const first = tail.findIndex((event) => event.revision > entry.revision);
    if (first === -1) return entry;
    if (tail[first].revision !== entry.revision + 1) return this.readAfresh(streamId, decider);
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
  extend<S, E extends DomainEvent>(streamId: string, entry: CachedAggregate<S>, events: { revision: number; event: E }[]): void {
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
const FOLD_TURN = 1000;

/**
 * A stream's events, upcast, as its aggregate's union: every event in a stream was decided by that
 * stream's decider, and upcasting lifts it to the current shape. The command side's one trust point
 * between stored JSON and typed events (see RecordedEvent's WARNING).
 */
export function ofStream<E extends DomainEvent>(events: RecordedEvent[]): RecordedEvent<E>[] {
  return events.map(upcast) as RecordedEvent<E>[];
}

/** The domain's view of a recorded event: its type and data, without the store's envelope. */
function asDomainEvent<E extends DomainEvent>(event: RecordedEvent<E>): E {
  return { type: event.type, data: event.data } as E;
}
