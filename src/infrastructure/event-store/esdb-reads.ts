import {
  BACKWARDS,
  END,
  FORWARDS,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { StreamDeletedError } from '../../application/ports/event-store.port';
import { isErrorOfType, streamPosition, type EsdbRecorded } from './esdb-codec';
import { retryOnNotLeader } from './esdb-connection';
import type { StreamNamespace } from './esdb-namespace';

/** A read EventStoreDB did not answer in time. The event pump retries it like any failed read. */
export class EventStoreReadTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    what: string,
  ) {
    super(`EventStoreDB did not answer ${what} within ${timeoutMs} ms (EVENTSTORE_READ_TIMEOUT_MS)`);
    this.name = 'EventStoreReadTimeoutError';
  }
}

/** A read started after, or still in flight when, the store was closed. */
export class EventStoreClosedError extends Error {
  constructor() {
    super('The EventStoreDB store was closed: the read was abandoned (nothing was read)');
    this.name = 'EventStoreClosedError';
  }
}

type Direction = typeof FORWARDS | typeof BACKWARDS;

/**
 * Every read the EventStoreDB adapter makes, each one bounded and closable.
 *
 * Client 6.2.1 sends reads with an infinite gRPC deadline, whatever `deadline` the caller passes: a node
 * that accepts the connection but never answers would hold a read (and `connect`, and the event pump)
 * forever. So each read is raced against `timeoutMs` here and cancelled when it loses; the caller gets an
 * `EventStoreReadTimeoutError`, never a partial or empty result. `close()` rejects every read still in
 * flight with `EventStoreClosedError` for the same reason: an empty page taken for "caught up" would be
 * saved as a checkpoint by a reactor starting at that moment.
 *
 * A read answered "not leader" is retried (`retryOnNotLeader`); one of a tombstoned stream fails with
 * `StreamDeletedError`.
 */
export class EsdbReads {
  private readonly inFlight = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    readonly timeoutMs: number,
    /** Stream ids in and out of `streamEvents` are the application's; the server's names carry the prefix. */
    private readonly namespace: StreamNamespace,
  ) {}

  /**
   * Up to `maxCount` events of the application's stream `streamId` from `fromRevision` in `direction`
   * (under that id, the namespace's prefix stripped); `[]` when the stream does not exist.
   */
  async streamEvents(
    streamId: string,
    fromRevision: bigint | typeof END,
    direction: Direction,
    maxCount?: number,
  ): Promise<EsdbRecorded[]> {
    const what = `a read of stream ${streamId}`;
    const serverName = this.namespace.serverName(streamId);
    try {
      const resolved = await this.drain<ResolvedEvent>(what, () =>
        this.client.readStream(serverName, {
          fromRevision,
          direction,
          resolveLinkTos: false,
          ...(maxCount === undefined ? {} : { maxCount }),
        }),
      );
      return resolved
        .map((r) => r.event as EsdbRecorded | undefined)
        .filter((e): e is EsdbRecorded => e !== undefined)
        .map((e) => this.namespace.fromStream(e));
    } catch (error) {
      if (isErrorOfType(error, 'stream-not-found')) return [];
      if (isErrorOfType(error, 'stream-deleted')) throw new StreamDeletedError(streamId);
      throw error;
    }
  }

  /** Position of the event at `revision` of `streamId` (used to complete an append's result). */
  async positionOfRevision(streamId: string, revision: number): Promise<bigint> {
    const [found] = await this.streamEvents(streamId, BigInt(revision), FORWARDS, 1);
    if (!found) throw new Error(`EventStoreDB: event ${revision} of stream ${streamId} is missing right after appending it`);
    return streamPosition(found);
  }

  /** One page of `$all`, every namespace's events and system events included (under the server's stream names). */
  allPage(
    fromPosition: ReadPosition,
    direction: Direction,
    maxCount: number,
    timeoutMs = this.timeoutMs,
  ): Promise<AllStreamResolvedEvent[]> {
    return this.drain<AllStreamResolvedEvent>(
      'a read of $all',
      () => this.client.readAll({ fromPosition, direction, maxCount, resolveLinkTos: false }),
      timeoutMs,
    );
  }

  /** Rejects every read in flight, and every later one, with `EventStoreClosedError`. */
  close(): void {
    this.closed = true;
    for (const abandon of [...this.inFlight]) abandon();
  }

  /** Throws `EventStoreClosedError` once the store is closed. */
  readonly ensureOpen = (): void => {
    if (this.closed) throw new EventStoreClosedError();
  };

  private drain<T>(what: string, open: () => StreamingRead<T>, timeoutMs = this.timeoutMs): Promise<T[]> {
    return retryOnNotLeader(() => this.drainOnce(what, open, timeoutMs), this.ensureOpen);
  }

  /**
   * The whole answer of one read call, or a rejection: never half of it. The call is consumed to its end
   * or cancelled, so no gRPC call is left open (the client's `dispose()` would wait for it).
   */
  private drainOnce<T>(what: string, open: () => StreamingRead<T>, timeoutMs: number): Promise<T[]> {
    this.ensureOpen();
    return new Promise<T[]>((resolve, reject) => {
      const items: T[] = [];
      let settled = false;
      const read = open();
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(abandon);
        if (error === undefined) return resolve(items);
        read.cancel().catch(() => undefined);
        reject(error);
      };
      const abandon = () => finish(new EventStoreClosedError());
      const timer = setTimeout(() => finish(new EventStoreReadTimeoutError(timeoutMs, what)), timeoutMs);
      this.inFlight.add(abandon);
      read.on('data', (item) => items.push(item));
      read.on('end', () => finish());
      read.on('error', (error) => finish(error ?? new Error(`EventStoreDB read of ${what} failed`)));
    });
  }
}
