import { decodeFold, encodeFold } from '../src/application/command-handling/aggregate-snapshots';

/** A saved fold comes back exactly as folded: what a decision reads of it is the same after a restart. */
describe('the snapshot encoding of a folded state', () => {
  const roundTrip = (state: unknown) => decodeFold(JSON.parse(JSON.stringify(encodeFold(state))));

  it('keeps Maps, Sets, nested ones, undefined fields and objects that look like its own tags', () => {
    const state = {
      received: new Map([
        [11, 0],
        [12, 3],
      ]),
      answered: new Set([1, 2]),
      copies: new Map([[5, { chatId: -100, threadId: undefined, seen: new Set(['a']) }]]),
      topic: undefined,
      list: [1, 'two', null, { $map: 'not a map' }, { $set: [1], other: true }],
      empty: {},
    };

    const back = roundTrip(state);

    expect(back).toStrictEqual(state);
    expect((back as typeof state).received).toBeInstanceOf(Map);
    expect((back as typeof state).answered).toBeInstanceOf(Set);
    expect(Object.keys(back as object)).toContain('topic');
  });

  it('refuses what it cannot restore as it was (a Date, a class instance, NaN) rather than save something else', () => {
    expect(() => encodeFold({ at: new Date(0) })).toThrow('a state holds a Date, which snapshots do not encode');
    expect(() => encodeFold({ n: Number.NaN })).toThrow('a state holds NaN, which JSON cannot');
    class Counter {}
    expect(() => encodeFold([new Counter()])).toThrow('a Counter');
  });
});
