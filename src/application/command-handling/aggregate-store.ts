import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandOrigin, Decider, DomainEvent, fold } from '../../domain/shared/decider';
import { DuplicateEventIdError, EVENT_STORE, EventStore, NewEvent, WrongExpectedRevisionError } from '../ports/event-store.port';
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
 * A message (Telegram update, or the event a reactor reacts to) that the stream already records as a
 * causation is dropped before deciding: redelivery has one effect. Event ids are UUIDv5 of
 * (stream, causation, index), so two concurrent deliveries of one update collapse into one append.
 */
@Injectable()
export class AggregateStore {
  private readonly logger = new Logger(AggregateStore.name);
  static readonly MAX_ATTEMPTS = 10;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const recorded = (await this.store.readStream(streamId)).map(upcast);
    const state = fold(
      decider,
      recorded.map((e) => ({ type: e.type, data: e.data }) as E),
    );
    return { recorded, state };
  }

  /**
   * @param command the command, or a function that builds it from the current state (it may do I/O,
   *   e.g. look up a reply target, and may handle commands on *other* streams); returning null decides nothing.
   */
  handle<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C | ((state: S) => Promise<C | null>),
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    return this.oneAtATime(streamId, () => this.decideAndAppend(streamId, decider, command, origin));
  }

  private async decideAndAppend<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C | ((state: S) => Promise<C | null>),
    origin: CommandOrigin,
  ): Promise<HandleResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const { recorded, state } = await this.load(streamId, decider);
      if (recorded.some((e) => e.metadata.causationId === origin.causationId))
        return { state, events: [], duplicate: true, position: null };
      const resolved = typeof command === 'function' ? await (command as (s: S) => Promise<C | null>)(state) : command;
      if (resolved === null) return { state, events: [], duplicate: false, position: null };
      const events = decider.decide(resolved, state);
      if (events.length === 0) return { state, events, duplicate: false, position: null };
      const expected = recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1].revision;
      try {
        const result = await this.store.appendToStream(
          streamId,
          events.map((e, i) => toNewEvent(streamId, e, i, origin, commandType(resolved))),
          expected,
        );
        const next = events.reduce((s, e) => decider.evolve(s, e), state);
        return { state: next, events, duplicate: false, position: result.position };
      } catch (error) {
        // A conflict means another writer (another process: this one serialises per stream) got there
        // first; a duplicate id means a concurrent delivery of this very message did. Both: read again.
        const retryable = error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;
        if (!retryable || attempt >= AggregateStore.MAX_ATTEMPTS) throw error;
        this.logger.debug(`conflict on ${streamId} (attempt ${attempt}); deciding again`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /**
   * Commands on one stream run one at a time within this process, so they never race each other for
   * a revision; conflicts only come from other processes. (A command may handle commands on other
   * streams while it runs — never on its own stream, which would wait for itself.)
   */
  private oneAtATime<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(streamId) ?? Promise.resolve()).then(work, work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(streamId, tail);
    void tail.then(() => {
      if (this.queues.get(streamId) === tail) this.queues.delete(streamId);
    });
    return run;
  }
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
