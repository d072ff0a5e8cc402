import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { ReactorAttemptsFile } from '../src/processing/reactor-attempts.store';
import { ReactorRunner, ReactorRunnerOptions } from '../src/infrastructure/reactors/reactor-runner';
import { openReadModels } from '../src/projections/read-model.datasource';
import { Cleanups } from './support/cleanups';
import { createMysqlTestDb } from './support/mysql-test-db';
import { eventually, poke, ScriptedReactor } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

const HOUR = 3_600_000;

/**
 * A reactor whose repeats a user would see (a relay, a notice) has each reaction recorded as started
 * before it runs and finished right after, so a crash repeats only what was in flight — and says so.
 * A "crash" here is a new runner started over the same databases while the old one still holds a
 * reaction in flight and has not saved its out-of-order finishes (the old one is stopped only after the
 * new one has read what it needs).
 */
describe.each(['sqlite', 'mysql'] as const)('reactor attempts (read models on %s)', (engine) => {
  const cleanups = new Cleanups();
  let store: SqliteEventStore;
  let readModels: DataSource;
  let file: ReactorAttemptsFile;

  beforeEach(async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
    const db = engine === 'mysql' ? await createMysqlTestDb() : null;
    if (db) cleanups.push(() => db.drop());
    readModels = await openReadModels({ databaseUrl: db?.url ?? null, dataDir: tmp.dir });
    cleanups.push(() => readModels.destroy());
    file = new ReactorAttemptsFile(join(tmp.dir, 'reactor-attempts.sqlite'));
    cleanups.push(() => file.close());
  });
  afterEach(cleanups.runAll);

  async function run(reactor: ScriptedReactor, options: ReactorRunnerOptions = {}): Promise<ReactorRunner> {
    const runner = new ReactorRunner(reactor, store, readModels, { stopGraceMs: 50, retryDelayMs: () => 20, attempts: file, ...options });
    await runner.start();
    cleanups.push(() => runner.stop());
    return runner;
  }
  /** What the attempts file holds for the scripted reactor. */
  const attempts = () => {
    const { unfinished, finished } = file.of('reactor:scripted').read(null);
    return [...unfinished]
      .map((position) => ({ position, finished: false }))
      .concat([...finished].map((position) => ({ position, finished: true })));
  };
  const attemptOf = (position: bigint | undefined) => attempts().find((a) => a.position === position);

  it('records the attempt before the reaction runs, and its finish right after it', async () => {
    const reactor = new ScriptedReactor(true);
    await run(reactor);
    const release = reactor.hold('a1');
    const at = await poke(store, 'a1');
    await eventually('the reaction is running', () => reactor.started.includes('a1'));
    expect(attemptOf(at.get('a1'))).toEqual({ position: at.get('a1'), finished: false });
    release();
    // Finished, then dropped once the checkpoint has passed it.
    await eventually('the attempt is gone with the checkpoint', () => attempts().length === 0);
  });

  it('after a crash, only the reaction in flight runs again, told it is a repeat; finished ones do not', async () => {
    const first = new ScriptedReactor(true);
    // Out-of-order finishes are not saved in their batch before the crash: only the recorded finishes count.
    const crashed = await run(first, { finishedAboveSaveDelayMs: HOUR });
    first.hold('a1'); // Telegram never answers this one before the process dies
    const at = await poke(store, 'a1', 'b1', 'b2');
    await eventually('b1 and b2 are recorded as finished', () => attemptOf(at.get('b2'))?.finished === true);
    expect(attemptOf(at.get('a1'))).toEqual({ position: at.get('a1'), finished: false });
    expect(await readModels.query('SELECT name FROM reactor_finished')).toEqual([]);

    const second = new ScriptedReactor(true);
    await run(second);
    await crashed.stop(); // only now, so that it saves nothing the restarted runner reads, and takes no new event
    await poke(store, 'c1');
    await eventually('the new event and the repeat are handled', () => second.finished.includes('c1') && second.finished.includes('a1'));
    expect(second.started.sort()).toEqual(['a1', 'c1']);
    expect(second.repeats).toEqual(['a1']);
  });

  it('a reaction retried in the same process is not a repeat, and its attempt is recorded once', async () => {
    const reactor = new ScriptedReactor(true);
    await run(reactor);
    const recover = reactor.failWhile('a1');
    await poke(store, 'a1');
    await eventually('a1 failed twice', () => (reactor.attempts.get('a1') ?? 0) >= 2);
    expect(attempts()).toHaveLength(1);
    recover();
    await eventually('a1 is done', () => reactor.finished.includes('a1'));
    expect(reactor.repeats).toEqual([]);
  });

  it('a reactor whose repeats nobody would see records no attempts', async () => {
    const reactor = new ScriptedReactor(false);
    await run(reactor);
    const release = reactor.hold('a1');
    await poke(store, 'a1');
    await eventually('the reaction is running', () => reactor.started.includes('a1'));
    expect(attempts()).toEqual([]);
    release();
  });
});

/**
 * The file itself, as a process started after a crash reads it (another connection): a start is there when
 * `started` returns; finishes are written together, by the end of the turn of the event loop they came in.
 */
describe('the attempts file', () => {
  const cleanups = new Cleanups();
  afterEach(cleanups.runAll);

  it('has a start on disk when started() returns, and finishes of many lanes by the end of that turn', async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    const path = join(tmp.dir, 'reactor-attempts.sqlite');
    const file = new ReactorAttemptsFile(path);
    cleanups.push(() => file.close());
    const afterCrash = () => {
      const reader = new ReactorAttemptsFile(path);
      try {
        return reader.of('reactor:relay').read(null);
      } finally {
        reader.close();
      }
    };
    const relay = file.of('reactor:relay');
    for (const position of [1n, 2n, 3n]) relay.started(position);
    expect(afterCrash()).toEqual({ unfinished: new Set([1n, 2n, 3n]), finished: new Set() });

    relay.finished(1n);
    relay.finished(3n);
    await new Promise((resolve) => setImmediate(resolve));
    expect(afterCrash()).toEqual({ unfinished: new Set([2n]), finished: new Set([1n, 3n]) });

    // A start writes the finishes still waiting with it.
    relay.finished(2n);
    relay.started(4n);
    expect(afterCrash()).toEqual({ unfinished: new Set([4n]), finished: new Set([1n, 2n, 3n]) });
  });
});
