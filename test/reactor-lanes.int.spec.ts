import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { ReactorRunner, ReactorRunnerOptions } from '../src/infrastructure/reactors/reactor-runner';
import { openReadModels } from '../src/projections/read-model.datasource';
import { readCheckpoint } from '../src/processing/projection-checkpoint.store';
import { ReactorCheckpointStore } from '../src/processing/reactor-checkpoint.store';
import { Cleanups } from './support/cleanups';
import { createMysqlTestDb } from './support/mysql-test-db';
import { eventually, poke, ScriptedReactor } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

/**
 * Side effects run in per-chat lanes (ReactorRunner over a real SQLite event store and the real
 * checkpoint store): a chat that hangs, fails or is flooded delays only itself, and the checkpoint
 * never passes an event whose reaction has not finished.
 */
describe.each(['sqlite', 'mysql'] as const)('reactor lanes (read models on %s)', (engine) => {
  const cleanups = new Cleanups();
  let store: SqliteEventStore;
  let readModels: DataSource;

  beforeEach(async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
    if (engine === 'mysql') {
      const db = await createMysqlTestDb();
      cleanups.push(() => db.drop());
      readModels = await openReadModels({ databaseUrl: db.url, dataDir: tmp.dir });
    } else {
      readModels = await openReadModels({ databaseUrl: null, dataDir: tmp.dir });
    }
    cleanups.push(() => readModels.destroy());
  });
  afterEach(cleanups.runAll);

  /** A runner on the scripted reactor; stopped after the test (an abandoned hung reaction does not hold the stop). */
  async function run(reactor: ScriptedReactor, options: ReactorRunnerOptions = {}): Promise<ReactorRunner> {
    const runner = new ReactorRunner(reactor, store, readModels, { stopGraceMs: 50, retryDelayMs: () => 20, ...options });
    await runner.start();
    cleanups.push(() => runner.stop());
    return runner;
  }
  const checkpoint = () => readCheckpoint(readModels, 'reactor:scripted');

  it('what finished above the checkpoint is kept exactly, for EventStoreDB-sized positions too, and cleared once passed', async () => {
    const checkpoints = new ReactorCheckpointStore(readModels, 'reactor:scripted');
    expect(await checkpoints.read()).toBeUndefined();
    const at = 2n ** 62n + 7n;
    const finished = [at + 1n, at + 1_000_003n, at + 2n ** 40n];
    await checkpoints.write(at, finished);
    expect(await checkpoints.read()).toEqual({ position: at, finished: new Set(finished) });
    await checkpoints.write(at + 2n ** 40n, []);
    expect(await checkpoints.read()).toEqual({ position: at + 2n ** 40n, finished: new Set() });
    expect(await readModels.query('SELECT name FROM reactor_finished')).toEqual([]);
  });

  it('a reactor that never ran starts at the head: it does not replay the history recorded before it', async () => {
    await poke(store, 'a1', 'b1');
    const reactor = new ScriptedReactor();
    await run(reactor);
    await poke(store, 'a2');
    await eventually('the new event is handled', () => reactor.finished.includes('a2'));
    expect(reactor.started).toEqual(['a2']);
  });

  it("a flooded master does not delay another master's customers", async () => {
    const reactor = new ScriptedReactor();
    await run(reactor);
    // Master A's chat drains at Telegram's pace: each relay waits for its slot (released by the test).
    const flood = Array.from({ length: 40 }, (_, i) => `a${i + 1}`);
    const slots = flood.map((label) => reactor.hold(label));
    await poke(store, ...flood, 'b1');

    await eventually("master B's customer is relayed", () => reactor.finished.includes('b1'));
    expect(reactor.finishedOf('a')).toEqual([]);
    expect(reactor.started.filter((l) => l.startsWith('a'))).toEqual(['a1']);

    for (const release of slots) release();
    await eventually("master A's flood is drained", () => reactor.finishedOf('a').length === flood.length);
    expect(reactor.finishedOf('a')).toEqual(flood);
    expect(reactor.overlaps).toEqual([]);
  });

  it('a hung chat delays only itself; the checkpoint stays before the hung event, and after a restart only unfinished events run again', async () => {
    const first = new ScriptedReactor();
    const runner = await run(first);
    const before = (await poke(store, 'x1')).get('x1');
    await eventually('x1 is handled and checkpointed', async () => (await checkpoint()) === before);

    const releaseHung = first.hold('a1');
    cleanups.push(releaseHung);
    await poke(store, 'a1', 'b1', '-ignored', 'b2', 'a2', 'c1');
    await eventually('the other chats are served', () => ['b1', 'b2', 'c1'].every((l) => first.finished.includes(l)));
    expect(first.started).not.toContain('a2');
    expect(runner.progress.position).toBe(before);

    await runner.stop(); // gives up on the hung reaction: it is not counted as done
    expect(await checkpoint()).toBe(before);

    const second = new ScriptedReactor();
    await run(second);
    await eventually("the hung chat's events run again", () => second.finished.includes('a2'));
    expect(second.started).toEqual(['a1', 'a2']);
    await eventually('the checkpoint passes them all', async () => (await checkpoint()) === (await store.headPosition()));
  });

  it("a failing event is retried in its lane: that chat's later events wait for it, other chats go on, order is kept", async () => {
    const reactor = new ScriptedReactor();
    const runner = await run(reactor);
    const recover = reactor.failWhile('a1');
    await poke(store, 'a1', 'a2', 'b1', 'a3', 'b2');

    await eventually('a1 was retried', () => (reactor.attempts.get('a1') ?? 0) >= 3);
    await eventually('chat b went on', () => reactor.finishedOf('b').length === 2);
    expect(reactor.started).not.toContain('a2');
    expect(runner.progress.failingSince).not.toBeNull();
    expect(runner.progress.lastError).toContain('reaction to a1 failed');

    recover();
    await eventually('chat a caught up', () => reactor.finishedOf('a').length === 3);
    expect(reactor.finishedOf('a')).toEqual(['a1', 'a2', 'a3']);
    expect(reactor.finishedOf('b')).toEqual(['b1', 'b2']); // each once: no other chat's work is repeated
    expect(reactor.overlaps).toEqual([]);
    await eventually('readiness no longer sees it failing', () => runner.progress.failingSince === null);
  });

  it('the checkpoint never passes an unfinished event, with chats of different speeds interleaved', async () => {
    const reactor = new ScriptedReactor();
    const runner = await run(reactor);
    const violations: string[] = [];
    let positions = new Map<string, bigint>();
    const moved = runner.progress.moved.bind(runner.progress);
    jest.spyOn(runner.progress, 'moved').mockImplementation((position) => {
      for (const [label, p] of positions)
        if (position !== null && p <= position && !label.startsWith('-') && !reactor.finishedPositions.has(p))
          violations.push(`checkpoint ${position} passed unfinished ${label}`);
      moved(position);
    });
    // Chat a is slow (each event held a while), b fast, c stalls once mid-way; ignored events in between.
    const labels: string[] = [];
    for (let i = 1; i <= 30; i += 1) labels.push(`a${i}`, `b${i}`, ...(i % 3 === 0 ? [`c${i}`, `-${i}`] : []));
    const holds = labels.filter((l) => l.startsWith('a') || l === 'c15').map((l) => reactor.hold(l));
    positions = await poke(store, ...labels);

    await eventually('chat b is done', () => reactor.finishedOf('b').length === 30);
    for (const release of holds) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const last = [...positions.values()].pop();
    await eventually('everything is checkpointed', async () => (await checkpoint()) === last);
    expect(violations).toEqual([]);
    expect(reactor.finishedOf('a')).toEqual(labels.filter((l) => l.startsWith('a')));
    expect(reactor.finishedOf('c')).toEqual(labels.filter((l) => l.startsWith('c')));
  });

  it('reading waits once the bound of pending events is reached; a stuck chat holds the others up only then', async () => {
    const reactor = new ScriptedReactor();
    await run(reactor, { maxPending: 5 });
    const release = reactor.hold('a1');
    const others = Array.from({ length: 10 }, (_, i) => `b${i + 1}`);
    await poke(store, 'a1', ...others);

    // a1 and four of b's events fill the bound; nothing further is read while a1 hangs.
    await eventually('chat b is served up to the bound', () => reactor.finishedOf('b').length === 4);
    await poke(store, 'c1');
    await new Promise((resolve) => setTimeout(resolve, 300)); // time for a reader that ignored the bound to go on
    expect(reactor.started).toEqual(['a1', 'b1', 'b2', 'b3', 'b4']);

    release();
    await eventually('everything is served', () => reactor.finished.length === 12);
    expect(reactor.finishedOf('b')).toEqual(others);
  });
});
