import { RecordedEvent } from '../src/application/ports/event-store.port';
import { LiveFeed } from '../src/infrastructure/event-store/esdb-live-feed';

/** When the EventStoreDB adapter may answer `readAll` from its live subscription, and when it must read. */
describe('EventStoreDB live feed', () => {
  const at = (position: number): RecordedEvent => ({
    id: `e${position}`,
    streamId: 's',
    revision: 0,
    position: BigInt(position),
    type: 'T',
    data: {},
    metadata: { schemaVersion: 1, correlationId: 'c', causationId: 'c' },
    recordedAt: new Date(0),
  });
  const positions = (events: RecordedEvent[] | undefined) => events?.map((e) => Number(e.position));

  it('answers only once the subscription is caught up, and only from where it started', () => {
    const feed = new LiveFeed();
    feed.startAfter(100n);
    feed.deliver(200n, at(200));
    expect(feed.read(100n, 10, undefined)).toBeUndefined();
    feed.caughtUp();
    expect(positions(feed.read(100n, 10, undefined))).toEqual([200]);
    expect(positions(feed.read(200n, 10, undefined))).toEqual([]);
    expect(feed.read(50n, 10, undefined)).toBeUndefined();
    expect(feed.read(undefined, 10, undefined)).toBeUndefined();
    expect(feed.read(300n, 10, undefined)).toBeUndefined();
  });

  it('skips what readers never see but moves on past it, and waits for its own newest append', () => {
    const feed = new LiveFeed();
    feed.startAfter(null);
    feed.deliver(10n, at(10));
    feed.deliver(20n, undefined);
    feed.deliver(30n, at(30));
    feed.caughtUp();
    expect(positions(feed.read(undefined, 1, undefined))).toEqual([10]);
    expect(positions(feed.read(20n, 10, 30n))).toEqual([30]);
    expect(feed.read(20n, 10, 40n)).toBeUndefined();
  });

  it('keeps a bounded buffer and refuses what it trimmed; a drop keeps it for the resumed subscription', () => {
    const feed = new LiveFeed(4);
    feed.startAfter(0n);
    for (const p of [1, 2, 3, 4, 5]) feed.deliver(BigInt(p), at(p));
    feed.caughtUp();
    expect(feed.read(1n, 10, undefined)).toBeUndefined();
    expect(positions(feed.read(3n, 10, undefined))).toEqual([4, 5]);
    feed.down();
    expect(feed.read(3n, 10, undefined)).toBeUndefined();
    expect(feed.resumeFrom).toBe(5n);
    feed.deliver(6n, at(6));
    feed.caughtUp();
    expect(positions(feed.read(3n, 10, undefined))).toEqual([4, 5, 6]);
    feed.clear();
    expect(feed.resumeFrom).toBeUndefined();
  });
});
