import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent } from '../src/application/ports/event-store.port';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb.event-store';
import { EventPump } from '../src/processing/event-pump';
import { waitUntil } from './event-store.contract';
import { EventStoreDouble } from './support/eventstore-double';

/**
 * On EventStoreDB the event pump is fed by the adapter's one live `$all` subscription (system events
 * filtered out by the server) instead of reading `$all` every time it wakes up. On the EventStoreDB double,
 * which counts the calls it receives; a second adapter plays a second app process writing.
 */
describe('EventStoreDB: the event pump follows the store through its live $all subscription', () => {
  const event = (type: string): NewEvent => ({
    id: randomUUID(),
    type,
    data: { type },
    metadata: { schemaVersion: 1, correlationId: 'live', causationId: 'live' },
  });
  let double: EventStoreDouble;
  let app: EsdbEventStore;
  let otherProcess: EsdbEventStore;

  beforeEach(async () => {
    double = await EventStoreDouble.start({ systemEventEveryNthAppend: 1 });
    app = await EsdbEventStore.connect(double.url, { reconnectDelayMs: { initial: 20, max: 200 } });
    otherProcess = await EsdbEventStore.connect(double.url);
  });
  afterEach(async () => {
    await Promise.all([app.close(), otherProcess.close()]);
    await double.stop();
  });

  /** Follows `stream` through the app's pump from the current head; `seen` fills as events arrive. */
  async function follow(stream: string) {
    const seen: RecordedEvent[] = [];
    const subscription = new EventPump(app)
      .subscribe(
        async (events) => {
          seen.push(...events.filter((e) => e.streamId === stream));
        },
        { after: await app.headPosition(), idleWaitMs: 60_000 },
      )
      .start();
    return { seen, stop: () => subscription.stop() };
  }

  /** Appends `count` single events to `stream` from the other process, one append each. */
  async function appendFromOtherProcess(stream: string, labels: string[], first: number): Promise<void> {
    for (const [i, label] of labels.entries()) {
      const revision = first + i;
      await otherProcess.appendToStream(stream, [event(label)], revision === 0 ? 'no_stream' : revision - 1);
    }
  }

  it("sees another process's events, in order, without reading $all once it is caught up", async () => {
    const s = `live-${randomUUID()}`;
    const follower = await follow(s);
    await appendFromOtherProcess(s, ['Warm-up'], 0);
    await waitUntil(() => follower.seen.length === 1);
    const readsBefore = double.callCount('readAll');
    const labels = Array.from({ length: 20 }, (_, i) => `E${i}`);
    await appendFromOtherProcess(s, labels, 1);
    await waitUntil(() => follower.seen.length === 21);
    await follower.stop();
    expect(follower.seen.map((e) => e.type)).toEqual(['Warm-up', ...labels]);
    expect(double.callCount('readAll') - readsBefore).toBe(0);
    expect(double.callCount('subscribe')).toBe(1);
  });

  it('loses and repeats nothing when the node restarts under it', async () => {
    const s = `restart-${randomUUID()}`;
    const follower = await follow(s);
    await appendFromOtherProcess(s, ['A0', 'A1', 'A2'], 0);
    await waitUntil(() => follower.seen.length === 3);
    await double.restart();
    // The writer may meet the dropped connection once; the client reconnects on the next call.
    await retry(() => appendFromOtherProcess(s, ['B0'], 3));
    await appendFromOtherProcess(s, ['B1', 'B2'], 4);
    await waitUntil(() => follower.seen.length >= 6);
    await follower.stop();
    expect(follower.seen.map((e) => e.type)).toEqual(['A0', 'A1', 'A2', 'B0', 'B1', 'B2']);
    expect(double.callCount('subscribe')).toBeGreaterThanOrEqual(2);
  });

  it("answers the app's own append at once, even before the subscription delivered it", async () => {
    const s = `own-${randomUUID()}`;
    const follower = await follow(s);
    await appendFromOtherProcess(s, ['Theirs'], 0);
    await waitUntil(() => follower.seen.length === 1);
    double.faults.liveDelayMs = 500;
    const mine = await app.appendToStream(s, [event('Mine')], 0);
    const read = await app.readAll({ after: follower.seen[0].position, maxCount: 10 });
    expect(read.filter((e) => e.streamId === s).map((e) => e.type)).toEqual(['Mine']);
    expect(read.find((e) => e.streamId === s)?.position).toBe(mine.position);
    await waitUntil(() => follower.seen.length === 2);
    await follower.stop();
  });
});

async function retry(action: () => Promise<void>, attempts = 20): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await action();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
