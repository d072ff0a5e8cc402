import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandOrigin, Decider, DomainEvent } from '../../domain/shared/decider';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '../ports/event-store.port';
import { uuidV5 } from './deterministic-id';
import { schemaVersionOf, upcast } from './upcasters';

export interface HandleResult<S, E> {
  state: S;
  events: E[];
  /** The update was already recorded in this stream: nothing was decided or written. */
  duplicate: boolean;
  position: bigint | null;
}

/**
 * The one command-handling mechanism: load the stream, fold it, decide, append with the revision that
 * was read. A conflict (another command won the race) re-reads and re-runs the pure decision, so
 * concurrent commands on one aggregate never lose an update.
 *
 * A Telegram update that the stream already records (same bot, update_id not newer than the newest
 * recorded) is dropped before deciding: redelivery has one effect. Event ids are UUIDv5 of
 * (stream, causation, index), so two concurrent deliveries of one update collapse into one append.
 */
@Injectable()
export class AggregateStore {
  private readonly logger = new Logger(AggregateStore.name);
  static readonly MAX_ATTEMPTS = 10;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const recorded = (await this.store.readStream(streamId)).map(upcast);
    const state = recorded.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as E), decider.initialState());
    return { recorded, state };
  }

  /**
   * @param command the command, or a function that builds it from the current state (it may do I/O,
   *   e.g. look up a reply target); returning null decides nothing.
   */
  async handle<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C | ((state: S) => Promise<C | null>),
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const { recorded, state } = await this.load(streamId, decider);
      if (alreadyRecorded(recorded, origin)) return { state, events: [], duplicate: true, position: null };
      const resolved = typeof command === 'function' ? await (command as (s: S) => Promise<C | null>)(state) : command;
      if (resolved === null) return { state, events: [], duplicate: false, position: null };
      const events = decider.decide(resolved, state);
      if (events.length === 0) return { state, events, duplicate: false, position: null };
      const expected = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1].revision;
      try {
        const result = await this.store.appendToStream(streamId, events.map((e, i) => toNewEvent(streamId, e, i, origin)), expected);
        const next = events.reduce((s, e) => decider.evolve(s, e), state);
        return { state: next, events, duplicate: false, position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= AggregateStore.MAX_ATTEMPTS) throw error;
        this.logger.debug(`conflict on ${streamId} (attempt ${attempt}); deciding again`);
      }
    }
  }
}

function alreadyRecorded(recorded: RecordedEvent[], origin: CommandOrigin): boolean {
  if (origin.updateId === undefined || origin.updateSource === undefined) return false;
  for (let i = recorded.length - 1; i >= 0; i--) {
    const meta = recorded[i].metadata;
    if (meta.updateSource === origin.updateSource && typeof meta.updateId === 'number') return meta.updateId >= origin.updateId;
  }
  return false;
}

function toNewEvent(streamId: string, event: DomainEvent, index: number, origin: CommandOrigin): NewEvent {
  return {
    id: uuidV5(`${streamId}|${origin.causationId}|${index}`),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      schemaVersion: schemaVersionOf(event.type),
      correlationId: origin.correlationId,
      causationId: origin.causationId,
      occurredAt: origin.occurredAt,
      ...(origin.updateId !== undefined ? { updateId: origin.updateId, updateSource: origin.updateSource } : {}),
    },
  };
}
