/**
 * The decision EventStoreDB's writer takes before it writes a batch: the expected-revision check and the
 * recognition of a re-append (idempotency), modelled on the server's documented behaviour and its
 * index writer. Pure: the log hands it what it needs.
 *
 * The two idempotency rules, as on the server:
 * - an explicit expected revision (or `no_stream`, i.e. -1) *behind* the stream's head compares the batch's
 *   ids, position by position, with the events after that revision: all equal → the original result;
 *   the first one different → wrong expected version; a later one different (or past the head) → wrong
 *   expected version too (the server calls it "corrupted idempotency");
 * - `any` and `stream_exists` look every id up in the in-memory window of recently written ids
 *   (`IdWindow`): the first id unknown (or known in another stream) → written again as new events; all
 *   known → the original result; known only in part → wrong expected version. No position check at all.
 */

export type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

/** What the check needs to know about the target stream. `lastRevision` is -1n when it has no events. */
export interface StreamView {
  lastRevision: bigint;
  tombstoned: boolean;
  idAt(revision: bigint): string | undefined;
}

export type CommitDecision =
  | { kind: 'ok'; current: bigint }
  | { kind: 'idempotent'; first: bigint; last: bigint }
  | { kind: 'wrong-expected-version'; current: bigint }
  | { kind: 'deleted' };

/**
 * The server's cache of recently committed event ids (stream and revision of each). Bounded: the oldest
 * entries fall out first, and it lives in memory only (a restart empties it). The server bounds it by
 * bytes (8 MiB, i.e. some 100 000–200 000 ids depending on stream-name length); the double by a count.
 */
export class IdWindow {
  private readonly entries = new Map<string, { streamId: string; revision: bigint }>();

  constructor(private readonly capacity: number) {}

  put(id: string, streamId: string, revision: bigint): void {
    this.entries.delete(id);
    this.entries.set(id, { streamId, revision });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get(id: string): { streamId: string; revision: bigint } | undefined {
    return this.entries.get(id);
  }

  clear(): void {
    this.entries.clear();
  }
}

export function checkCommit(
  streamId: string,
  stream: StreamView | undefined,
  expected: Expected,
  ids: readonly string[],
  window: IdWindow,
  hasMetadata: boolean,
): CommitDecision {
  if (stream?.tombstoned) return { kind: 'deleted' };
  const current = stream?.lastRevision ?? -1n;
  // `stream_exists` is also satisfied by a stream that only has metadata (`$$name`), as on the server.
  if (expected.kind === 'stream_exists' && current < 0n && !hasMetadata) return { kind: 'wrong-expected-version', current };

  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    let first: bigint | undefined;
    let last = -1n;
    for (const id of ids) {
      const known = window.get(id);
      if (!known || known.streamId !== streamId) {
        return first === undefined ? { kind: 'ok', current } : { kind: 'wrong-expected-version', current };
      }
      first ??= known.revision;
      last = known.revision;
    }
    return first === undefined ? { kind: 'ok', current } : { kind: 'idempotent', first, last };
  }

  const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
  if (expectedRevision < current) {
    let revision = expectedRevision;
    for (const id of ids) {
      revision += 1n;
      if (stream?.idAt(revision) === id) continue;
      return { kind: 'wrong-expected-version', current };
    }
    // An empty batch behind the head is a conflict, not a replay.
    if (revision === expectedRevision) return { kind: 'wrong-expected-version', current };
    return { kind: 'idempotent', first: expectedRevision + 1n, last: revision };
  }
  if (expectedRevision > current) return { kind: 'wrong-expected-version', current };
  return { kind: 'ok', current };
}
