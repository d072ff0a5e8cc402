import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { leasedProjection } from '../src/infrastructure/replicas/leased-processors';
import { fairShare, LeaseKeeper, LeasedWork, LeaseTimings } from '../src/processing/leases/lease-keeper';
import { ProcessorLeaseStore } from '../src/processing/leases/processor-lease.store';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRunner } from '../src/projections/runner/projection-runner';
import { Projector } from '../src/projections/runner/projector';
import { Cleanups } from './support/cleanups';
import { createMysqlTestDb } from './support/mysql-test-db';
import { eventually, poke, POKED } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

const PROCESSORS = ['projection:bots', 'projection:messages', 'reactor:relay', 'reactor:delivery', 'reactor:notices', 'scheduler'];
/** Fast rounds for the test; the app's are 3 s / 10 s (LEASE_TIMINGS). */
const TIMINGS: LeaseTimings = { renewEveryMs: 50, ttlMs: 1000, demoteAfterMs: 400 };

/**
 * Replicas share the processors: with N live replicas each runs about 1/N of them, a replica joining takes
 * its share from the others (handed back, never run twice), and a dead one's share moves to the living.
 */
describe('balanced leases: live replicas split the processors', () => {
  const cleanups = new Cleanups();
  /** Where each processor runs now, and any moment two replicas ran one at once. */
  let runningOn: Map<string, string>;
  let overlaps: string[];
  let url: string;
  let dataDir: string;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    const db = await createMysqlTestDb();
    cleanups.push(() => db.drop());
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    url = db.url;
    dataDir = tmp.dir;
    runningOn = new Map();
    overlaps = [];
  });
  afterEach(() => cleanups.runAll());

  it('two replicas run half the processors each, and a third joining takes its share from them', async () => {
    const a = await replica('a');
    await a.keeper.start();
    expect(a.keeper.owned()).toHaveLength(PROCESSORS.length);

    const b = await replica('b');
    await b.keeper.start();
    await eventually('two replicas run three processors each', () => a.keeper.owned().length === 3 && b.keeper.owned().length === 3);
    expect(everyProcessorRuns()).toBe(true);

    const c = await replica('c');
    await c.keeper.start();
    await eventually('three replicas run two processors each', () => [a, b, c].every((r) => r.keeper.owned().length === 2));
    expect(everyProcessorRuns()).toBe(true);
    expect(c.keeper.balance()).toEqual({ liveReplicas: 3, share: 2 });
    expect(overlaps).toEqual([]);
  });

  it("a dead replica's share moves to the living, and a replica stopped gracefully hands its own over at once", async () => {
    const [a, b, c] = [await replica('a'), await replica('b'), await replica('c')];
    for (const r of [a, b, c]) await r.keeper.start();
    await eventually('three replicas run two processors each', () => [a, b, c].every((r) => r.keeper.owned().length === 2));

    await c.dataSource.destroy(); // replica C loses its database: it stops its own, its heartbeat and leases run out
    await eventually('the two living replicas run three each', () => a.keeper.owned().length === 3 && b.keeper.owned().length === 3);
    expect(everyProcessorRuns()).toBe(true);

    await b.keeper.stop();
    await eventually('the last replica runs everything', () => a.keeper.owned().length === PROCESSORS.length);
    expect(a.keeper.balance()).toEqual({ liveReplicas: 1, share: PROCESSORS.length });
    expect(overlaps).toEqual([]);
  });

  it('a projection handed over to a replica that joins applies every event exactly once', async () => {
    const store = new SqliteEventStore(join(dataDir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
    const a = await replica('a', []);
    await a.dataSource.query('CREATE TABLE poke_rows (label VARCHAR(20) NOT NULL)');
    const b = await replica('b', []);
    for (const r of [a, b]) {
      r.keeper.add(work('scheduler', r.name)); // two processors: one each once both are live
      r.keeper.add(leasedProjection(new ProjectionRunner(pokeRows(), store, r.dataSource), r.keeper));
    }
    await a.keeper.start();
    expect(a.keeper.owned()).toEqual(['projection:poke_rows', 'scheduler']);

    const labels = Array.from({ length: 60 }, (_, i) => `p${i}`);
    const poking = (async () => {
      for (const label of labels) await poke(store, label);
    })();
    await b.keeper.start();
    await poking;
    await eventually('replica B runs the projection', () => b.keeper.isOwned('projection:poke_rows'));
    await eventually('every poke is projected', async () => (await rows(a.dataSource)).length === labels.length);
    expect((await rows(a.dataSource)).sort()).toEqual([...labels].sort());
    expect(a.keeper.owned()).toEqual(['scheduler']);
  });

  it('the share is the processors over the live replicas, rounded up', () => {
    expect([1, 2, 3, 4].map((live) => fairShare(20, live))).toEqual([20, 10, 7, 5]);
    expect(fairShare(6, 0)).toBe(6);
  });

  /** A replica process: its own pool on the database and its own keeper of the same processors. */
  async function replica(name: string, processors = PROCESSORS): Promise<{ name: string; keeper: LeaseKeeper; dataSource: DataSource }> {
    const dataSource = await openReadModels({ databaseUrl: url, dataDir });
    cleanups.push(() => dataSource.isInitialized && dataSource.destroy());
    const keeper = new LeaseKeeper(new ProcessorLeaseStore(dataSource, TIMINGS.ttlMs), `replica-${name}`, TIMINGS);
    cleanups.push(() => keeper.stop());
    for (const processor of processors) keeper.add(work(processor, name));
    return { name, keeper, dataSource };
  }

  function work(processor: string, replicaName: string): LeasedWork {
    return {
      name: processor,
      start: () => {
        const other = runningOn.get(processor);
        if (other) overlaps.push(`${processor} started on ${replicaName} while ${other} ran it`);
        runningOn.set(processor, replicaName);
        return Promise.resolve();
      },
      stop: () => {
        if (runningOn.get(processor) === replicaName) runningOn.delete(processor);
        return Promise.resolve();
      },
    };
  }

  function everyProcessorRuns(): boolean {
    return PROCESSORS.every((p) => runningOn.has(p));
  }
});

async function rows(dataSource: DataSource): Promise<string[]> {
  const found: { label: string }[] = await dataSource.query('SELECT label FROM poke_rows');
  return found.map((r) => r.label);
}

/** A projection writing one row per poke: a batch applied twice would show as a duplicate row. */
function pokeRows(): Projector {
  return {
    name: 'poke_rows',
    handles: [POKED],
    tables: ['poke_rows'],
    apply: async (events, ctx) => {
      for (const e of events) await ctx.em.query('INSERT INTO poke_rows (label) VALUES (?)', [String(e.data.label)]);
    },
  };
}
