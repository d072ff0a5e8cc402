import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EventStoreDouble } from './support/eventstore-double';

/**
 * The EventStoreDB double's own semantics, driven by the real client over a real socket: what the server
 * does and the double must do too, so that the contract suite on the double means something.
 */
const event = (type: string, id = randomUUID()) => jsonEvent({ id, type, data: { type } });

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const types = (events: (ResolvedEvent | AllStreamResolvedEvent)[]) => events.map((e) => e.event?.type);

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB double, appending through %s', (path, advertiseBatchAppend) => {
  let double: EventStoreDouble;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    double = await EventStoreDouble.start({ advertiseBatchAppend, idWindowSize: 3 });
  });
  beforeEach(() => {
    client = EventStoreDBClient.connectionString(double.url);
  });
  afterEach(async () => {
    await client.dispose();
  });
  afterAll(async () => {
    await double.stop();
  });

  it(`takes the client's appends through ${path} only`, async () => {
    const before = { append: double.callCount('append'), batch: double.callCount('batchAppend') };
    await client.appendToStream(`path-${randomUUID()}`, event('A'), { expectedRevision: 'no_stream' });
    expect(double.callCount('append') - before.append).toBe(advertiseBatchAppend ? 0 : 1);
    expect(double.callCount('batchAppend') - before.batch).toBe(advertiseBatchAppend ? 1 : 0);
  });

  it('checks every kind of expected revision and names the actual one when refusing', async () => {
    const s = `expected-${randomUUID()}`;
    const refused = (expectedRevision: AppendExpectedRevision) => client.appendToStream(s, event('X'), { expectedRevision });
    await expect(refused('stream_exists')).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 'no_stream' });
    await expect(refused(0n)).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 'no_stream' });
    expect(await client.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' })).toMatchObject({
      nextExpectedRevision: 1n,
    });
    await expect(refused('no_stream')).rejects.toMatchObject({ type: 'wrong-expected-version', actualVersion: 1n });
    await expect(refused(0n)).rejects.toMatchObject({ actualVersion: 1n, expectedVersion: 0n });
    await expect(refused(5n)).rejects.toMatchObject({ actualVersion: 1n });
    await client.appendToStream(s, event('C'), { expectedRevision: 'stream_exists' });
    await client.appendToStream(s, event('D'), { expectedRevision: 2n });
    await client.appendToStream(s, event('E'), { expectedRevision: 'any' });
    expect(types(await all(client.readStream(s)))).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('answers a re-append of the same ids at the same expected revision with the original result', async () => {
    const s = `replay-${randomUUID()}`;
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream(s, batch, { expectedRevision: 'no_stream' });
    await client.appendToStream(s, event('C'), { expectedRevision: 1n });
    expect(await client.appendToStream(s, batch, { expectedRevision: 'no_stream' })).toEqual(first);
    // Same place, other ids: a conflict; the first id right but not the second: a conflict too.
    await expect(client.appendToStream(s, [event('A2')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ actualVersion: 2n });
    await expect(client.appendToStream(s, [batch[0], event('B2')], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      type: 'wrong-expected-version',
    });
    expect(types(await all(client.readStream(s)))).toEqual(['A', 'B', 'C']);
  });

  it("recognises an 'any' re-append only while its ids are in the server's id window", async () => {
    const s = `window-${randomUUID()}`;
    const single = event('Once');
    const first = await client.appendToStream(s, single, { expectedRevision: 'any' });
    expect(await client.appendToStream(s, single, { expectedRevision: 'any' })).toEqual(first);
    // The window of this double holds 3 ids: three more events push the first one out.
    await client.appendToStream(s, [event('B'), event('C'), event('D')], { expectedRevision: 'any' });
    await client.appendToStream(s, single, { expectedRevision: 'any' });
    expect(types(await all(client.readStream(s)))).toEqual(['Once', 'B', 'C', 'D', 'Once']);
  });

  it('reads a stream forwards and backwards from its start, its end or a revision', async () => {
    const s = `read-${randomUUID()}`;
    await client.appendToStream(
      s,
      ['A', 'B', 'C', 'D'].map((t) => event(t)),
      { expectedRevision: 'no_stream' },
    );
    expect(types(await all(client.readStream(s, { fromRevision: 1n, maxCount: 2 })))).toEqual(['B', 'C']);
    expect(types(await all(client.readStream(s, { fromRevision: END, direction: BACKWARDS, maxCount: 3 })))).toEqual(['D', 'C', 'B']);
    expect(types(await all(client.readStream(s, { fromRevision: 2n, direction: BACKWARDS })))).toEqual(['C', 'B', 'A']);
    expect(types(await all(client.readStream(s, { fromRevision: 9n })))).toEqual([]);
    await expect(all(client.readStream(`missing-${randomUUID()}`))).rejects.toMatchObject({ type: 'stream-not-found' });
  });
});

describe('EventStoreDB double: $all', () => {
  let double: EventStoreDouble;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    double = await EventStoreDouble.start({ systemEventEveryNthAppend: 1 });
    client = EventStoreDBClient.connectionString(double.url);
  });
  afterEach(async () => {
    await client.dispose();
    await double.stop();
  });

  it('places events at sparse byte positions with a system event after every append', async () => {
    const s = `all-${randomUUID()}`;
    await client.appendToStream(s, event('A'), { expectedRevision: 'no_stream' });
    await client.appendToStream(s, event('B'), { expectedRevision: 0n });
    const read = await all(client.readAll({ fromPosition: START }));
    const mine = read.filter((e) => e.event?.streamId === s);
    expect(types(mine)).toEqual(['A', 'B']);
    const [a, b] = mine.map((e) => e.event!.position.commit);
    expect(b - a).toBeGreaterThan(100n);
    const between = read.filter((e) => e.event!.position.commit > a && e.event!.position.commit < b);
    expect(between.map((e) => e.event?.type)).toEqual(['$statsCollected']);
    expect(read.every((e) => e.event!.position.commit === e.event!.position.prepare)).toBe(true);
  });

  it('reads $all forwards including the given position and backwards excluding it', async () => {
    const s = `bounds-${randomUUID()}`;
    await client.appendToStream(s, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
    const [, b] = (await all(client.readStream(s))).map((e) => e.event!.position!);
    expect(types(await all(client.readAll({ fromPosition: b, maxCount: 2 })))).toEqual(['B', 'C']);
    expect(types(await all(client.readAll({ fromPosition: b, direction: BACKWARDS, maxCount: 1 })))).toEqual(['A']);
    const inside = { commit: b.commit + 1n, prepare: b.commit + 1n };
    await expect(all(client.readAll({ fromPosition: inside }))).rejects.toThrow(/invalid position/);
  });

  it('confirms a filtered subscription, catches up with checkpoints, says caught up, then goes live until cancelled', async () => {
    const s = `live-${randomUUID()}`;
    await client.appendToStream(s, [event('Old1'), event('Old2')], { expectedRevision: 'no_stream' });
    const seen: string[] = [];
    const checkpoints: bigint[] = [];
    const signals: string[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: excludeSystemEvents({ checkpointInterval: 1, checkpointReached: (_s, p) => void checkpoints.push(p.commit) }),
    });
    subscription.on('confirmation', () => signals.push('confirmation'));
    subscription.on('caughtUp', () => signals.push(`caughtUp after ${seen.length}`));
    subscription.on('data', (e: AllStreamResolvedEvent) => seen.push(e.event!.type));
    await waitFor(() => signals.length === 2);
    await client.appendToStream(s, event('Live'), { expectedRevision: 1n });
    await waitFor(() => seen.includes('Live'));
    await subscription.unsubscribe();
    expect(seen).toEqual(['Old1', 'Old2', 'Live']);
    expect(signals).toEqual(['confirmation', 'caughtUp after 2']);
    expect(checkpoints.length).toBeGreaterThanOrEqual(1);
    expect(double.callCount('subscribe')).toBe(1);
  });

  it("filters a subscription by stream-name prefix, in catch-up and live (the adapter's namespaces rely on it)", async () => {
    const ns = `ns-${randomUUID().slice(0, 8)}`;
    await client.appendToStream(`${ns}/a`, event('Mine1'), { expectedRevision: 'no_stream' });
    await client.appendToStream(`${ns}-2/a`, event('NeighboursName'), { expectedRevision: 'no_stream' });
    await client.appendToStream(`a`, event('Unprefixed'), { expectedRevision: 'any' });
    const seen: string[] = [];
    let caughtUp = false;
    const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [`${ns}/`] }) });
    subscription.on('caughtUp', () => (caughtUp = true));
    subscription.on('data', (e: AllStreamResolvedEvent) => seen.push(`${e.event!.streamId} ${e.event!.type}`));
    await waitFor(() => caughtUp);
    await client.appendToStream(`${ns}-2/a`, event('NeighbourLive'), { expectedRevision: 0n });
    await client.appendToStream(`${ns}/b`, event('Mine2'), { expectedRevision: 'no_stream' });
    await waitFor(() => seen.length >= 2);
    await subscription.unsubscribe();
    expect(seen).toEqual([`${ns}/a Mine1`, `${ns}/b Mine2`]);
  });

  it('keeps its data and positions across a restart on the same port', async () => {
    const s = `restart-${randomUUID()}`;
    const first = await client.appendToStream(s, event('Before'), { expectedRevision: 'no_stream' });
    await double.restart();
    const second = await retry(() => client.appendToStream(s, event('After'), { expectedRevision: 0n }));
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    expect(types(await all(client.readStream(s)))).toEqual(['Before', 'After']);
  });

  it('answers "stream deleted" for a tombstoned stream and "not leader" while that fault is on', async () => {
    const s = `gone-${randomUUID()}`;
    await client.appendToStream(s, event('A'), { expectedRevision: 'no_stream' });
    double.tombstone(s);
    await expect(all(client.readStream(s))).rejects.toMatchObject({ type: 'stream-deleted' });
    await expect(client.appendToStream(s, event('B'))).rejects.toMatchObject({ type: 'stream-deleted' });
    double.faults.notLeader = { host: '127.0.0.1', port: double.port, remaining: 1 };
    await expect(all(client.readStream(s))).rejects.toMatchObject({ type: 'not-leader', leader: { port: double.port } });
  });

  it('writes a delayed append that was answered "timed out" once its delay ends', async () => {
    double.settings.writeTimeoutMs = 50;
    double.faults.appendDelayMs = 300;
    const s = `late-${randomUUID()}`;
    await expect(client.appendToStream(s, event('Late'), { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      type: 'deadline-exceeded',
    });
    await waitFor(() => double.storedEvents(s).length === 1);
  });
});

describe('EventStoreDB double: deadlines', () => {
  it('leaves a read unanswered while reads hang, until the connection drops', async () => {
    const double = await EventStoreDouble.start();
    const client = EventStoreDBClient.connectionString(double.url);
    try {
      await client.appendToStream(`hang-${randomUUID()}`, event('A'));
      double.faults.hangReads = true;
      let received = 0;
      const read = (async () => {
        for await (const _ of client.readAll({ fromPosition: START })) received += 1;
      })().then(
        () => 'answered',
        () => 'failed',
      );
      await waitFor(() => double.callCount('hungRead') === 1);
      await double.stop();
      expect(await read).toBe('failed');
      expect(received).toBe(0);
    } finally {
      await client.dispose();
      await double.stop();
    }
  });

  it("drops an Append whose call's deadline passed before it was written", async () => {
    const double = await EventStoreDouble.start({ advertiseBatchAppend: false, writeTimeoutMs: 60_000 });
    const client = EventStoreDBClient.connectionString(double.url);
    try {
      double.faults.appendDelayMs = 300;
      const s = `deadline-${randomUUID()}`;
      await expect(client.appendToStream(s, event('Late'), { deadline: 50 })).rejects.toMatchObject({ type: 'deadline-exceeded' });
      double.faults.appendDelayMs = 0;
      // Written after the dropped one's delay would have ended: had it been kept, it would come first.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await client.appendToStream(s, event('Next'), { expectedRevision: 'no_stream' });
      expect(double.storedEvents(s).map((e) => e.type)).toEqual(['Next']);
    } finally {
      await client.dispose();
      await double.stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The first calls after a restart may meet the old, dropped connection: the client reconnects on the next one. */
async function retry<T>(action: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await action();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
