import { checkCommit, IdWindow, type StreamView } from './commit-check';

/** The EventStoreDB double's write decision, on a stream holding ids a, b, c at revisions 0, 1, 2. */
describe('EventStoreDB double: the write decision', () => {
  const ids = ['a', 'b', 'c'];
  const stream: StreamView = { lastRevision: 2n, tombstoned: false, idAt: (r) => ids[Number(r)] };
  const window = new IdWindow(10);
  ids.forEach((id, i) => window.put(id, 's', BigInt(i)));
  const decide = (expected: Parameters<typeof checkCommit>[2], batch: string[], view: StreamView | 'absent' = stream) =>
    checkCommit('s', view === 'absent' ? undefined : view, expected, batch, window, false);

  it('writes at the head and refuses ahead of it', () => {
    expect(decide({ kind: 'revision', revision: 2n }, ['d'])).toEqual({ kind: 'ok', current: 2n });
    expect(decide({ kind: 'revision', revision: 3n }, ['d'])).toEqual({ kind: 'wrong-expected-version', current: 2n });
    expect(decide({ kind: 'no_stream' }, ['a'], 'absent')).toEqual({ kind: 'ok', current: -1n });
    expect(decide({ kind: 'stream_exists' }, ['a'], 'absent')).toEqual({ kind: 'wrong-expected-version', current: -1n });
  });

  it('recognises a replay behind the head position by position, and nothing else', () => {
    expect(decide({ kind: 'no_stream' }, ['a', 'b'])).toEqual({ kind: 'idempotent', first: 0n, last: 1n });
    expect(decide({ kind: 'revision', revision: 0n }, ['b', 'c'])).toEqual({ kind: 'idempotent', first: 1n, last: 2n });
    expect(decide({ kind: 'revision', revision: 0n }, ['b', 'x'])).toMatchObject({ kind: 'wrong-expected-version' });
    expect(decide({ kind: 'revision', revision: 1n }, ['c', 'd'])).toMatchObject({ kind: 'wrong-expected-version' });
    expect(decide({ kind: 'revision', revision: 0n }, ['c'])).toMatchObject({ kind: 'wrong-expected-version' });
  });

  it("recognises an 'any' replay by the id window alone, wherever the ids are", () => {
    expect(decide({ kind: 'any' }, ['b', 'c'])).toEqual({ kind: 'idempotent', first: 1n, last: 2n });
    expect(decide({ kind: 'any' }, ['c', 'a'])).toEqual({ kind: 'idempotent', first: 2n, last: 0n });
    expect(decide({ kind: 'any' }, ['x', 'a'])).toEqual({ kind: 'ok', current: 2n });
    expect(decide({ kind: 'any' }, ['a', 'x'])).toMatchObject({ kind: 'wrong-expected-version' });
  });

  it('forgets the oldest ids first and refuses everything on a tombstoned stream', () => {
    const small = new IdWindow(2);
    ids.forEach((id, i) => small.put(id, 's', BigInt(i)));
    expect(small.get('a')).toBeUndefined();
    expect(small.get('c')).toEqual({ streamId: 's', revision: 2n });
    expect(decide({ kind: 'any' }, ['d'], { ...stream, tombstoned: true })).toEqual({ kind: 'deleted' });
  });
});
