import type { AllStreamResolvedEvent, AppendExpectedRevision, Position } from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, RecordedEvent } from '../../application/ports/event-store.port';

/**
 * Translation between what `@eventstore/db-client` 6.2.1 hands out and the event store port: recorded
 * events, positions, expected revisions and the client's error kinds.
 */

/** What a read returns from the client, reduced to the fields the adapter uses. */
export interface EsdbRecorded {
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
export const NO_POSITION = 18446744073709551615n;

export function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return 'no_stream';
  if (expected === 'any') return 'any';
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new Error(`expected revision must be a non-negative integer, 'no_stream' or 'any', got ${String(expected)}`);
  }
  return BigInt(expected);
}

/** The client's error kinds by their `type` (its classes are checked by name too: a second copy of the library has its own). */
export function isErrorOfType(
  error: unknown,
  type: 'wrong-expected-version' | 'stream-not-found' | 'stream-deleted' | 'not-leader',
): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === type;
}

export function toActual(actual: unknown): number | 'no_stream' {
  if (typeof actual === 'bigint') return actual < 0n ? 'no_stream' : Number(actual);
  if (typeof actual === 'number') return actual < 0 ? 'no_stream' : actual;
  return 'no_stream';
}

/** Our events only: JSON, not a link, neither a system event type nor a system stream. */
export function isUserEvent(resolved: AllStreamResolvedEvent): boolean {
  const event = resolved.event;
  return (
    event !== undefined && resolved.link === undefined && event.isJson && !event.type.startsWith('$') && !event.streamId.startsWith('$')
  );
}

export function allPosition(resolved: AllStreamResolvedEvent): bigint | undefined {
  const position = resolved.event?.position?.commit ?? resolved.link?.position?.commit ?? resolved.commitPosition;
  return position === undefined || position === NO_POSITION ? undefined : position;
}

/** The `$all` position of an event read from its stream (EventStoreDB ≥ 22.6 sends it). */
export function streamPosition(recorded: EsdbRecorded): bigint {
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
export function chainable(recorded: EsdbRecorded) {
  return {
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    id: recorded.id,
    type: recorded.type,
    data: recorded.data ?? {},
    metadata: parseMetadata(recorded.metadata),
  };
}

export function toRecordedEvent(recorded: EsdbRecorded, position: bigint): RecordedEvent {
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
