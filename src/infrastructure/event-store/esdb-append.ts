import { BACKWARDS, END, FORWARDS, jsonEvent, type AppendResult as EsdbAppendResult, type EventStoreDBClient } from '@eventstore/db-client';
import {
  AppendResult,
  ExpectedRevision,
  NewEvent,
  StreamDeletedError,
  WrongExpectedRevisionError,
} from '../../application/ports/event-store.port';
import { GENESIS, linkHash, sealChain } from './hash-chain';
import { NO_POSITION, chainable, isErrorOfType, streamPosition, toActual, toEsdbExpected } from './esdb-codec';
import { retryOnNotLeader } from './esdb-connection';
import { ANY_REPLAY_WINDOW, findReplayInTail, refuseRepeatedIds } from './replays';
import type { StreamNamespace } from './esdb-namespace';
import type { EsdbReads } from './esdb-reads';

/** Tries of an `'any'` append that keeps losing the race for the stream's next revision. */
export const ANY_APPEND_ATTEMPTS = 8;

/**
 * The append side of the EventStoreDB adapter: seals each batch into its stream's hash chain, sends it
 * with the right expected revision, and turns the server's answers into the port's results and errors.
 * The guarantees and their limits are listed on `EsdbEventStore`.
 */
export class EsdbAppends {
  /** Tail of each stream's queue of `'any'` appends made through this store (see `appendAtCurrentRevision`). */
  private readonly anyAppendQueues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly reads: EsdbReads,
    /** Called with the position of every batch appended through this store. */
    private readonly appended: (position: bigint) => void,
    /**
     * Where the application's streams live on the server. Everything here — the chain's seal, errors,
     * results — uses the application's stream id; only the append call itself sends the server's name.
     */
    private readonly namespace: StreamNamespace,
  ) {}

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    this.reads.ensureOpen();
    this.namespace.serverName(streamId); // refuses an id holding the namespace separator before any read
    refuseRepeatedIds(streamId, events);
    if (expected === 'any') return this.appendAtCurrentRevision(streamId, events);
    toEsdbExpected(expected); // refuses a malformed revision before any read
    if (expected === 'no_stream') return this.appendSealed(streamId, sealChain(streamId, 0, GENESIS(streamId), events), expected, expected);
    // The batch follows revision `expected`: seal it onto that event. Should the stream have moved on
    // meanwhile, the server refuses the batch (or recognises it as a re-append) and nothing sealed here
    // is written.
    const predecessor = (await this.reads.streamEvents(streamId, BigInt(expected), FORWARDS, 1))[0];
    if (!predecessor || Number(predecessor.revision) !== expected) {
      // Behind the expected revision: refused here, since writing after someone else caught the stream
      // up to `expected` would link to an event this read did not see.
      const last = (await this.reads.streamEvents(streamId, END, BACKWARDS, 1))[0];
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
    // Queued per stream within this store, so its own `'any'` appends never race each other for a
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
      const tail = (await this.reads.streamEvents(streamId, END, BACKWARDS, Math.max(ANY_REPLAY_WINDOW, events.length))).reverse();
      const replay = findReplayInTail(streamId, tail, events, (last) => ({
        nextExpectedRevision: Number(last.revision),
        position: streamPosition(last),
      }));
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

  /**
   * Appends already-sealed events at `sendAs`; a conflict is reported against the caller's `expected`.
   *
   * The returned `position` is that of the last event of the batch. For a single-event append it is the
   * one the server reports. For a batch, or when the server reports none (its answer to an idempotent
   * re-append carries no position), it is read back from the stream at `nextExpectedRevision` (one extra
   * read): the server reports one position per append, which is not documented to be the last event's
   * (its own source calls it "not technically correct").
   */
  private async appendSealed(
    streamId: string,
    events: NewEvent[],
    sendAs: ExpectedRevision,
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const proposed = events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }));
    const serverName = this.namespace.serverName(streamId);
    let result: EsdbAppendResult;
    try {
      result = await retryOnNotLeader(
        () => this.client.appendToStream(serverName, proposed, { expectedRevision: toEsdbExpected(sendAs) }),
        this.reads.ensureOpen,
      );
    } catch (error) {
      if (isErrorOfType(error, 'wrong-expected-version')) {
        throw new WrongExpectedRevisionError(streamId, expected, toActual((error as { actualVersion?: unknown }).actualVersion));
      }
      if (isErrorOfType(error, 'stream-deleted')) throw new StreamDeletedError(streamId);
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
        : await this.reads.positionOfRevision(streamId, nextExpectedRevision);
    this.appended(position);
    return { nextExpectedRevision, position };
  }
}
