import { AggregateCache, CachedAggregate } from '../src/application/command-handling/aggregate-cache';

describe('the cache of folded aggregates', () => {
  const decider = {};
  const entry = (revision: number, state = `at ${revision}`): CachedAggregate<string> => ({
    decider,
    state,
    revision,
    causations: new Set(),
  });

  it('never goes back to an older fold of a stream than the one it holds', () => {
    const cache = new AggregateCache(100);
    cache.put('conversation-1-2', entry(5));
    cache.put('conversation-1-2', entry(3));

    expect(cache.get('conversation-1-2', decider)?.revision).toBe(5);
  });

  it('holds at most its budget of events, dropping the least recently used stream first', () => {
    const cache = new AggregateCache(10);
    cache.put('a', entry(2));
    cache.put('b', entry(2));
    cache.get('a', decider);
    cache.put('c', entry(2));
    cache.put('d', entry(2));

    expect(['a', 'b', 'c', 'd'].filter((id) => cache.get(id, decider))).toEqual(['a', 'c', 'd']);
  });

  it('keeps streams longer than its budget, each counted as a quarter of it: three leave room for the rest', () => {
    const cache = new AggregateCache(12);
    cache.put('long1', entry(40));
    cache.put('long2', entry(50));
    cache.put('long3', entry(60));
    cache.put('a', entry(2));
    const kept = ['long1', 'long2', 'long3', 'a'].filter((id) => cache.get(id, decider));

    cache.put('b', entry(2));

    expect(kept).toEqual(['long1', 'long2', 'long3', 'a']);
    expect(['long1', 'long2', 'long3', 'a', 'b'].filter((id) => cache.get(id, decider))).toEqual(['long2', 'long3', 'a', 'b']);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new AggregateCache(0);
    cache.put('a', entry(-1));

    expect(cache.get('a', decider)).toBeUndefined();
  });

  it('does not answer for a stream folded with another decider', () => {
    const cache = new AggregateCache(10);
    cache.put('a', entry(1));

    expect(cache.get('a', {})).toBeUndefined();
  });

  it('refuses a budget that is not a whole number of events', () => {
    expect(() => new AggregateCache(-1)).toThrow(/whole number/);
  });
});
