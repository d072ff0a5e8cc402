import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { ReactorCheckpointStore } from '../src/processing/reactor-checkpoint.store';
import { ReactorRunner } from '../src/infrastructure/reactors/reactor-runner';
import { openReadModels } from '../src/projections/read-model.datasource';
import { readCheckpoint } from '../src/processing/projection-checkpoint.store';
import { ProjectionRunner } from '../src/projections/runner/projection-runner';
import { Projector } from '../src/projections/runner/projector';
import { Cleanups } from './support/cleanups';
import { eventually, poke, POKED, ScriptedReactor } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

/** Reads ScriptedPoked events only; its rows are not the point here, its checkpoint is. */
const pokes: Projector = { name: 'pokes', handles: [POKED], tables: [], apply: () => Promise.resolve() };
const HOUR = 3_600_000;
const ignored = (n: number) => Array.from({ length: n }, (_, i) => `-${i + 1}`);

/**
 * Every projection and reactor sees every event, but most events are for few of them: a batch with
 * nothing for a projection or reactor must cost it no transaction and no checkpoint write. Its stored
 * checkpoint still catches up (with its next write, once idle, or at a reactor's stop).
 */
describe('batches with nothing for a projection or reactor cost it no write', () => {
  const cleanups = new Cleanups();
  let store: SqliteEventStore;
  let readModels: DataSource;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
    readModels = await openReadModels({ databaseUrl: null, dataDir: tmp.dir });
    cleanups.push(() => readModels.destroy());
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await cleanups.runAll();
  });

  async function projection(skippedWriteIntervalMs: number): Promise<ProjectionRunner> {
    const runner = new ProjectionRunner(pokes, store, readModels, 'pokes', skippedWriteIntervalMs);
    await runner.start();
    cleanups.push(() => runner.stop());
    return runner;
  }

  it('a projection commits nothing for events it does not read, yet counts as caught up with them', async () => {
    const runner = await projection(HOUR);
    const a1 = (await poke(store, 'a1')).get('a1')!;
    await eventually('a1 is committed', async () => (await readCheckpoint(readModels, 'pokes')) === a1);
    const transactions = jest.spyOn(readModels, 'transaction');

    await poke(store, ...ignored(10));
    expect(await runner.waitFor((await store.headPosition())!, 10_000)).toBe(true);
    expect(transactions).not.toHaveBeenCalled();
    expect(await readCheckpoint(readModels, 'pokes')).toBe(a1);

    const a2 = (await poke(store, 'a2')).get('a2')!;
    await eventually('the next event it reads moves the stored checkpoint past the skipped ones', async () => {
      return (await readCheckpoint(readModels, 'pokes')) === a2;
    });
  });

  it("an idle projection's stored checkpoint catches up with the events it skipped", async () => {
    await projection(0);
    await poke(store, ...ignored(3));
    const head = await store.headPosition();
    await eventually('the stored checkpoint reached the head', async () => (await readCheckpoint(readModels, 'pokes')) === head);
  });

  it('a reactor saves no checkpoint for events it has nothing to do for, and saves it at stop', async () => {
    const reactor = new ScriptedReactor();
    const runner = new ReactorRunner(reactor, store, readModels, { stopGraceMs: 50, skippedSaveIntervalMs: HOUR });
    await runner.start();
    cleanups.push(() => runner.stop());
    const checkpoint = () => readCheckpoint(readModels, 'reactor:scripted');
    const a1 = (await poke(store, 'a1')).get('a1')!;
    await eventually('a1 is done and saved', async () => (await checkpoint()) === a1);
    const saves = jest.spyOn(ReactorCheckpointStore.prototype, 'write');

    await poke(store, ...ignored(10));
    const head = await store.headPosition();
    await eventually('the reactor passed the ignored events', () => runner.progress.position === head);
    expect(saves).not.toHaveBeenCalled();

    await runner.stop();
    expect(await checkpoint()).toBe(head);
  });
});
