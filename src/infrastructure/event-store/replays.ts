import { AppendResult, DuplicateEventIdError, NewEvent } from '../../application/ports/event-store.port';

/**
 * Recognising a re-append (a redelivered command appending the same events again), the same way on both adapters:
 * by the ids of the stream's own events, never by an index of every id in the store (EventStoreDB has none, and on
 * the embedded store such an index cost a random B-tree page written per event: ~10 % of the recording path).
 */

/** How far back from a stream's end an `'any'` append looks for an earlier copy of its batch. */
export const ANY_REPLAY_WINDOW = 64;

/** Refuses a batch holding one id twice, before anything is read or written. */
export function refuseRepeatedIds(streamId: string, events: readonly NewEvent[]): void {
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.id)) throw new DuplicateEventIdError(streamId, event.id);
    seen.add(event.id);
  }
}

/**
 * An `'any'` re-append: the batch's ids found in order in `tail` (the stream's last events, oldest first) answers
 * with the original result (`resultOf` its last event); ids found only partly, or out of order, are a reused id.
 */
export function findReplayInTail<T extends { id: string }>(
  streamId: string,
  tail: readonly T[],
  events: readonly NewEvent[],
  resultOf: (last: T) => AppendResult,
): AppendResult | null {
  const start = tail.findIndex((recorded) => recorded.id === events[0].id);
  if (start < 0) {
    const ids = new Set(tail.map((recorded) => recorded.id));
    const reused = events.find((event) => ids.has(event.id));
    if (reused) throw new DuplicateEventIdError(streamId, reused.id);
    return null;
  }
  return matchWhole(streamId, tail.slice(start), events, resultOf);
}

/**
 * A re-append at an explicit expected revision whose stream has moved on: `following` holds the stream's events
 * right after that revision (oldest first, at least as many as the batch when there are). The batch found there
 * whole answers with the original result; not even its first id there: `null` (a real conflict); its first id
 * but not the rest: a reused id.
 */
export function findReplayAfter<T extends { id: string }>(
  streamId: string,
  following: readonly T[],
  events: readonly NewEvent[],
  resultOf: (last: T) => AppendResult,
): AppendResult | null {
  if (following[0]?.id !== events[0].id) return null;
  return matchWhole(streamId, following, events, resultOf);
}

function matchWhole<T extends { id: string }>(
  streamId: string,
  from: readonly T[],
  events: readonly NewEvent[],
  resultOf: (last: T) => AppendResult,
): AppendResult {
  for (let i = 1; i < events.length; i++) {
    if (from[i]?.id !== events[i].id) throw new DuplicateEventIdError(streamId, events[i].id);
  }
  return resultOf(from[events.length - 1]);
}
