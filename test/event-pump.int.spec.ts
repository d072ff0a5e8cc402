import { join } from 'node:path';
import { EventStore, ReadAllOptions, RecordedEvent } from '../src/application/ports/event-store.port';
import { EventPump } from '../src/processing/event-pump';
import { IntakeFirst } from '../src/processing/intake-first';
import { PumpSubscription } from '../src/processing/pump-subscription';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { Cleanups } from './support/cleanups';
import { eventually, poke } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

/** The real SQLite store, counting how often each event is read through `readAll`. */
class CountingStore extends SqliteEventStore {
  readonly timesRead = new Map<bigint, number>();

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await super.readAll(options);
    for (const e of events) this.timesRead.set(e.position, (this.timesRead.get(e.position) ?? 0) + 1);
    return events;
  }
}

/** What one follower handled, in order; `failWhile` makes its batches containing a label throw. */
class Follower {
  readonly seen: string[] = [];
  failures = 0;
  private failing?: string;
  private hold?: Promise<void>;
  subscription!: PumpSubscription;

  handle = async (events: RecordedEvent[]): Promise<void> => {
    await this.hold;
    if (this.failing && events.some((e) => e.data.label === this.failing)) {
      this.failures += 1;
      throw new Error(`cannot handle ${this.failing} yet`);
    }
    this.seen.push(...events.map((e) => String(e.data.label)));
  };

  failWhile(label: string): () => void {
    this.failing = label;
    return () => (this.failing = undefined);
  }

  holdBatches(): () => void {
    let release!: () => void;
    this.hold = new Promise((resolve) => (release = resolve));
    return () => {
      this.hold = undefined;
      release();
    };
  }
}

describe('the event pump: one read of the store for every projection and reactor of the process', () => {
  const cleanups = new Cleanups();
  let store: CountingStore;
  afterEach(cleanups.runAll);

  beforeEach(() => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    store = new CountingStore(join(tmp.dir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
  });

  function follow(pump: EventPump, after: bigint | null = null, batchSize?: number): Follower {
    const follower = new Follower();
    follower.subscription = pump.subscribe(follower.handle, { after, batchSize, retryDelayMs: 10 }).start();
    cleanups.push(() => follower.subscription.stop());
    return follower;
  }
  const labels = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const readMoreThanOnce = (s: EventStore & CountingStore) => [...s.timesRead.entries()].filter(([, n]) => n > 1);

  it('five followers get every new event in order, and each event is read from the store once', async () => {
    const pump = new EventPump(store);
    const followers = Array.from({ length: 5 }, () => follow(pump));
    const appended = labels('a', 30);
    // Appends from several writers at once: the group commit makes batches of various sizes.
    await Promise.all([poke(store, ...appended.slice(0, 10)), poke(store, ...appended.slice(10, 20))]);
    await poke(store, ...appended.slice(20));
    await eventually('every follower saw all 30 events', () => followers.every((f) => f.seen.length === 30));
    const order = [...(await store.readAll({ maxCount: 100 })).map((e) => String(e.data.label))];
    for (const follower of followers) expect(follower.seen).toEqual(order);
    store.timesRead.clear();
    await poke(store, 'b1', 'b2', 'b3');
    await eventually('every follower saw the next 3', () => followers.every((f) => f.seen.length === 33));
    expect([...store.timesRead.values()]).toEqual([1, 1, 1]);
  });

  it('a follower whose batch fails sees that batch again, while the others go on', async () => {
    const pump = new EventPump(store);
    const steady = follow(pump);
    const failing = follow(pump);
    const release = failing.failWhile('a3');
    await poke(store, 'a1', 'a2', 'a3', 'a4', 'a5');
    await eventually('the steady follower saw all five', () => steady.seen.length === 5);
    await eventually('the failing follower failed twice', () => failing.failures >= 2);
    expect(failing.seen).not.toContain('a3');
    release();
    await eventually('the failing follower caught up', () => failing.seen.length === 5);
    expect(failing.seen).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(steady.seen).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('a follower far behind (a new projection) reads the history from the store, then follows the pump', async () => {
    await poke(store, ...labels('old', 20));
    const pump = new EventPump(store, { windowSize: 5 });
    const current = follow(pump, await store.headPosition());
    const newcomer = follow(pump, null, 4);
    await poke(store, ...labels('new', 10));
    await eventually('the newcomer saw the whole history', () => newcomer.seen.length === 30);
    expect(newcomer.seen).toEqual([...labels('old', 20), ...labels('new', 10)]);
    await eventually('the current follower saw the new events', () => current.seen.length === 10);
    expect(current.seen).toEqual(labels('new', 10));
  });

  it('a slow follower that the bounded window left behind reads what it missed from the store; the window stays bounded', async () => {
    const pump = new EventPump(store, { windowSize: 5, batchSize: 3 });
    const fast = follow(pump);
    const slow = follow(pump);
    const release = slow.holdBatches();
    await poke(store, ...labels('a', 20));
    await eventually('the fast follower saw all 20', () => fast.seen.length === 20);
    expect((await pump.window())?.size).toBeLessThanOrEqual(5);
    release();
    await eventually('the slow follower caught up', () => slow.seen.length === 20);
    expect(slow.seen).toEqual(labels('a', 20));
    expect(readMoreThanOnce(store).length).toBeGreaterThan(0); // what the window dropped was read again, for the slow one only
  });

  it('while the intake is busy the pump reads nothing new, unless someone waits on the history (hurry); then it reads on', async () => {
    const intake = new IntakeFirst({ busyAt: 2, holdMs: 60_000 });
    const pump = new EventPump(store);
    pump.yieldTo(intake);
    const follower = follow(pump);
    await poke(store, 'calm');
    await eventually('the follower saw the event appended while calm', () => follower.seen.length === 1);

    const calls = Array.from({ length: 4 }, () => intake.callStarted()); // a burst of webhook calls, kept in flight
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(intake.busy).toBe(true);
    await poke(store, 'during');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(follower.seen).toEqual(['calm']); // held for the intake (without the gate: read at once)

    // A reply looking up its target waits on the history: the pump reads on for it.
    await pump.hurry(() => eventually('the follower saw the event appended during the burst', () => follower.seen.length === 2));
    expect(follower.seen).toEqual(['calm', 'during']);
    calls.forEach((end) => end());
  });

  it('stopping one follower does not stop the others', async () => {
    const pump = new EventPump(store);
    const leaving = follow(pump);
    const staying = follow(pump);
    await poke(store, 'a1');
    await eventually('both saw a1', () => leaving.seen.length === 1 && staying.seen.length === 1);
    await leaving.subscription.stop();
    await poke(store, 'a2', 'a3');
    await eventually('the staying follower saw a2 and a3', () => staying.seen.length === 3);
    expect(leaving.seen).toEqual(['a1']);
    expect(staying.seen).toEqual(['a1', 'a2', 'a3']);
  });

  it('after the last follower stopped, a new one starts the pump again from where it stands', async () => {
    const pump = new EventPump(store);
    const first = follow(pump);
    await poke(store, 'a1');
    await eventually('the first saw a1', () => first.seen.length === 1);
    await first.subscription.stop();
    await poke(store, 'a2');
    const second = follow(pump, first.subscription.lastPosition);
    await poke(store, 'a3');
    await eventually('the second saw a2 and a3', () => second.seen.length === 2);
    expect(second.seen).toEqual(['a2', 'a3']);
  });
});
