import { randomUUID } from 'node:crypto';
import { NewEvent, StreamDeletedError } from '../src/application/ports/event-store.port';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb.event-store';
import { waitUntil } from './event-store.contract';
import { EventStoreDouble } from './support/eventstore-double';

/**
 * What the EventStoreDB adapter does when the node misbehaves — never answers, is not the leader, has
 * deleted a stream — and when two stores share one process. On the protocol-level double, whose fault
 * switches the real client meets over a real socket.
 */
const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: { type },
  metadata: { schemaVersion: 1, correlationId: 'faults', causationId: 'faults' },
});
const stream = (label: string) => `faults_${randomUUID().slice(0, 8)}-${label}`;

let double: EventStoreDouble;
const opened: EsdbEventStore[] = [];
async function open(options: Parameters<typeof EsdbEventStore.connect>[1] = {}): Promise<EsdbEventStore> {
  const store = await EsdbEventStore.connect(double.url, options);
  opened.push(store);
  return store;
}

beforeEach(async () => {
  double = await EventStoreDouble.start();
});
afterEach(async () => {
  double.faults.hangReads = false;
  double.faults.appendDelayMs = 0;
  double.faults.notLeader = undefined;
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await double.stop();
});

describe('EventStoreDB node that never answers a read', () => {
  it('fails the start-up check after the read timeout instead of hanging', async () => {
    double.faults.hangReads = true;
    await expect(EsdbEventStore.connect(double.url, { readTimeoutMs: 300 })).rejects.toThrow(
      /^Cannot use EventStoreDB at esdb:\/\/127\.0\.0\.1:\d+\?tls=false: EventStoreDB did not answer a read of \$all within 300 ms/,
    );
  });

  it('makes every read fail with a timeout, never answer "nothing there", and reads work again once it answers', async () => {
    const store = await open({ readTimeoutMs: 300 });
    const s = stream('hung');
    await store.appendToStream(s, [event('Before')], 'no_stream');
    double.faults.hangReads = true;
    await expect(store.readAll({ maxCount: 10 })).rejects.toThrow(/did not answer .* within 300 ms/);
    await expect(store.readStream(s)).rejects.toThrow(/did not answer .* within 300 ms/);
    await expect(store.headPosition()).rejects.toThrow(/did not answer .* within 300 ms/);
    // An append reads its predecessor first: it fails too, and nothing is written.
    await expect(store.appendToStream(s, [event('During')], 0)).rejects.toThrow(/did not answer/);
    double.faults.hangReads = false;
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Before']);
  });
});

describe('EventStoreDB node that never confirms the live subscription', () => {
  it('reports it after the read timeout and re-opens it, so appends wake the app again once the node answers', async () => {
    const errors: string[] = [];
    const store = await open({
      readTimeoutMs: 300,
      reconnectDelayMs: { initial: 20, max: 100 },
      onSubscriptionError: (error) => errors.push(String(error)),
    });
    const s = stream('unconfirmed');
    let wakes = 0;
    store.onAppended(() => (wakes += 1));
    await store.appendToStream(s, [event('Before')], 'no_stream');
    // The node comes back from a crash answering no read: the re-opened subscription is never confirmed.
    double.faults.hangReads = true;
    await double.restart();
    await waitUntil(() => errors.some((e) => /did not answer the \$all subscription's confirmation within 300 ms/.test(e)));
    double.faults.hangReads = false;
    const other = await open();
    const wakesBefore = wakes;
    // Appended by another store, so only the live subscription can wake this one; it may still be
    // waiting for its next reconnect, so keep appending until it does.
    for (let revision = 0; wakes === wakesBefore && revision < 100; revision++) {
      await other.appendToStream(s, [event(`After${revision}`)], revision);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(wakes).toBeGreaterThan(wakesBefore);
  });
});

describe('closing the store while reads are in flight', () => {
  it('fails those reads instead of answering empty, which a reactor would save as its checkpoint', async () => {
    const store = await EsdbEventStore.connect(double.url, { readTimeoutMs: 60_000 });
    const s = stream('closing');
    await store.appendToStream(s, [event('Kept')], 'no_stream');
    double.faults.hangReads = true;
    const hungBefore = double.callCount('hungRead');
    const reads = [store.readAll({ maxCount: 10 }), store.readStream(s), store.headPosition()];
    const outcomes = Promise.allSettled(reads);
    await waitUntil(() => double.callCount('hungRead') - hungBefore >= 3);
    await store.close();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/closed/);
    }
    await expect(store.readStream(s)).rejects.toThrow(/closed/);
  });
});

describe('two stores in one process', () => {
  it("lets one close while the other's append is in flight: the append lands once and succeeds", async () => {
    const closing = await open();
    const appending = await open();
    const s = stream('shared');
    // Both have talked to the node (so both hold an append channel) before the slow append starts.
    await closing.appendToStream(stream('warm'), [event('Warm')], 'no_stream');
    await appending.appendToStream(s, [event('First')], 'no_stream');
    double.faults.appendDelayMs = 500;
    const batchesBefore = double.callCount('batch');
    const append = appending.appendToStream(s, [event('Second')], 0);
    await waitUntil(() => double.callCount('batch') > batchesBefore);
    await closing.close();
    await expect(append).resolves.toMatchObject({ nextExpectedRevision: 1 });
    expect(double.storedEvents(s).map((e) => e.type)).toEqual(['First', 'Second']);
    // The one still open goes on working.
    double.faults.appendDelayMs = 0;
    await appending.appendToStream(s, [event('Third')], 1);
    expect((await appending.readStream(s)).map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
  });
});

describe('EventStoreDB node that is not the leader', () => {
  it('retries appends and reads until the leader answers', async () => {
    const store = await open();
    const s = stream('follower');
    const leader = { host: '127.0.0.1', port: double.port };
    double.faults.notLeader = { ...leader, remaining: 2 };
    await expect(store.appendToStream(s, [event('A')], 'no_stream')).resolves.toMatchObject({ nextExpectedRevision: 0 });
    double.faults.notLeader = { ...leader, remaining: 2 };
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A']);
    double.faults.notLeader = { ...leader, remaining: 2 };
    expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['A']);
    double.faults.notLeader = { ...leader, remaining: 2 };
    await expect(store.appendToStream(s, [event('B')], 'any')).resolves.toMatchObject({ nextExpectedRevision: 1 });
    expect(double.storedEvents(s).map((e) => e.type)).toEqual(['A', 'B']);
  });
});

describe('a stream deleted for good (tombstoned) in EventStoreDB', () => {
  it('is refused with an error saying the stream was deleted, for reads and appends alike', async () => {
    const store = await open();
    const s = stream('tombstoned');
    await store.appendToStream(s, [event('A')], 'no_stream');
    double.tombstone(s);
    await expect(store.readStream(s)).rejects.toThrow(StreamDeletedError);
    await expect(store.readStream(s)).rejects.toThrow(new RegExp(`stream ${s} was deleted`));
    await expect(store.appendToStream(s, [event('B')], 0)).rejects.toThrow(StreamDeletedError);
    await expect(store.appendToStream(s, [event('B')], 'any')).rejects.toThrow(StreamDeletedError);
    await expect(store.appendToStream(s, [event('B')], 'no_stream')).rejects.toThrow(StreamDeletedError);
  });
});

describe('credentials in the connection string', () => {
  it('are never shown when the node cannot be used, whatever characters the password holds', async () => {
    for (const password of ['s3/cret', 's3?cret', 's3#cret']) {
      const failure = EsdbEventStore.connect(`esdb://admin:${password}@127.0.0.1:1?tls=false`, { readTimeoutMs: 3_000 });
      await expect(failure).rejects.toThrow(/^Cannot use EventStoreDB at esdb:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:1\?tls=false/);
      await expect(failure).rejects.not.toThrow(/cret/);
    }
  });
});
