import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { deadOnThisHost, LeaseKeeper, LeasedWork } from '../src/processing/leases/lease-keeper';
import { HeldLease, LeaseLostError, ProcessorLeaseStore } from '../src/processing/leases/processor-lease.store';
import { ReactorCheckpointStore } from '../src/processing/reactor-checkpoint.store';
import { openReadModels } from '../src/projections/read-model.datasource';
import { ProjectionRunner } from '../src/projections/runner/projection-runner';
import { Projector } from '../src/projections/runner/projector';
import { Cleanups } from './support/cleanups';
import { createMysqlTestDb } from './support/mysql-test-db';
import { eventually, poke, POKED } from './support/scripted-reactor';
import { makeTempDir } from './support/temp-dir';

/** Two replicas' views of one MySQL read-model database: each has its own pool, like two processes. */
describe('processor leases: one replica runs each processor, and a stale one cannot write', () => {
  const cleanups = new Cleanups();
  let replicaA: DataSource;
  let replicaB: DataSource;
  let store: SqliteEventStore;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    const db = await createMysqlTestDb();
    cleanups.push(() => db.drop());
    const tmp = makeTempDir();
    cleanups.push(() => tmp.remove());
    replicaA = await openReadModels({ databaseUrl: db.url, dataDir: tmp.dir });
    cleanups.push(() => replicaA.isInitialized && replicaA.destroy());
    replicaB = await openReadModels({ databaseUrl: db.url, dataDir: tmp.dir });
    cleanups.push(() => replicaB.destroy());
    store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    cleanups.push(() => store.close());
    await replicaA.query('CREATE TABLE poke_rows (label VARCHAR(20) NOT NULL)');
  });
  afterEach(() => cleanups.runAll());

  const expire = (db: DataSource, name: string) =>
    db.query('UPDATE processor_leases SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE name = ?', [name]);

  it('a lease held and renewed by one replica is refused to another until it expires, then taken with a new fencing token', async () => {
    const a = new ProcessorLeaseStore(replicaA, 10_000);
    const b = new ProcessorLeaseStore(replicaB, 10_000);
    const held = await a.acquire('reactor:relay', 'replica-a');
    expect(held).toBeDefined();
    expect(await b.acquire('reactor:relay', 'replica-b')).toBeUndefined();
    expect(await a.renew(held!)).toBe(true);
    expect(await b.acquire('reactor:relay', 'replica-b')).toBeUndefined();

    await expire(replicaA, 'reactor:relay');
    const taken = await b.acquire('reactor:relay', 'replica-b');
    expect(taken?.fencingToken).toBeGreaterThan(held!.fencingToken);
    expect(await a.renew(held!)).toBe(false);
    await expect(replicaA.transaction((em) => ProcessorLeaseStore.fence(em, held!))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(replicaB.transaction((em) => ProcessorLeaseStore.fence(em, taken!))).resolves.toBeUndefined();
  });

  it('a lease given up at a graceful stop is taken by another replica at once', async () => {
    const a = new ProcessorLeaseStore(replicaA, 10_000);
    const held = await a.acquire('scheduler', 'replica-a');
    await a.release(held!);
    expect(await new ProcessorLeaseStore(replicaB, 10_000).acquire('scheduler', 'replica-b')).toBeDefined();
  });

  it("a reactor's checkpoint is not moved by a replica whose lease was taken over", async () => {
    const a = new ProcessorLeaseStore(replicaA, 10_000);
    const held = (await a.acquire('reactor:relay', 'replica-a'))!;
    const fenced = new ReactorCheckpointStore(replicaA, 'reactor:relay', (em) => ProcessorLeaseStore.fence(em, held));
    await fenced.write(10n, [12n]);
    await expire(replicaA, 'reactor:relay');
    const taken = (await new ProcessorLeaseStore(replicaB, 10_000).acquire('reactor:relay', 'replica-b'))!;
    await new ReactorCheckpointStore(replicaB, 'reactor:relay', (em) => ProcessorLeaseStore.fence(em, taken)).write(20n, []);

    await expect(fenced.write(15n, [])).rejects.toBeInstanceOf(LeaseLostError);
    expect(await new ReactorCheckpointStore(replicaB, 'reactor:relay').read()).toEqual({ position: 20n, finished: new Set() });
  });

  it('a replica restarted in place takes back at once the leases its previous, dead process held', async () => {
    const before = `${hostname()}:${process.pid}:0ld1d`;
    const now = `${hostname()}:${process.pid}:n3w1d`;
    await new ProcessorLeaseStore(replicaA, 10_000).acquire('reactor:relay', before);
    const store = new ProcessorLeaseStore(replicaB, 10_000);
    expect(await store.acquire('reactor:relay', now)).toBeUndefined();

    const dead = deadOnThisHost(await store.ownersLike(`${hostname()}:`), now);
    expect(dead).toEqual([before]);
    expect(await store.acquire('reactor:relay', now, dead)).toBeDefined();
  });

  it('two replicas racing for free leases never both get one', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `projection:p${i}`);
    const a = new ProcessorLeaseStore(replicaA, 10_000);
    const b = new ProcessorLeaseStore(replicaB, 10_000);
    const results = await Promise.all(names.flatMap((n) => [a.acquire(n, 'replica-a'), b.acquire(n, 'replica-b')]));
    for (let i = 0; i < names.length; i++) expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
  });

  it('a projection applies every event exactly once across a hand-over, and the old owner stops at its refused write', async () => {
    const timings = { renewEveryMs: 50, ttlMs: 60_000, demoteAfterMs: 30_000 };
    // Replica A will pause past its lease (a long GC, a frozen VM): it does not renew during this test.
    const paused = { ...timings, renewEveryMs: 600_000 };
    const keeperA = new LeaseKeeper(new ProcessorLeaseStore(replicaA, timings.ttlMs), 'replica-a', paused);
    const keeperB = new LeaseKeeper(new ProcessorLeaseStore(replicaB, timings.ttlMs), 'replica-b', timings);
    const runnerA = new ProjectionRunner(pokeRows(), store, replicaA);
    const runnerB = new ProjectionRunner(pokeRows(), store, replicaB);
    keeperA.add(leased(runnerA, keeperA));
    keeperB.add(leased(runnerB, keeperB));
    cleanups.push(() => keeperA.stop());
    cleanups.push(() => keeperB.stop());
    await keeperA.start();
    await keeperB.start();
    expect(keeperA.owned()).toEqual(['projection:poke_rows']);
    expect(keeperB.owned()).toEqual([]);

    await poke(store, 'a1', 'a2', 'a3');
    await eventually('replica A projected the first pokes', async () => (await count()) === 3);
    // A's lease runs out while it is paused: B takes the projection over; A, still running it, tries to write.
    await expire(replicaA, 'projection:poke_rows');
    await eventually('replica B took the projection', () => keeperB.isOwned('projection:poke_rows'));
    await poke(store, 'b1', 'b2');
    await eventually('every poke is projected', async () => (await count()) === 5);
    await eventually('replica A stopped running it', () => !keeperA.isOwned('projection:poke_rows'));

    const labels: { label: string }[] = await replicaA.query('SELECT label FROM poke_rows ORDER BY label');
    expect(labels.map((r) => r.label)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('a replica that cannot reach the database stops its processors itself, and another takes them after the lease runs out', async () => {
    const timings = { renewEveryMs: 50, ttlMs: 600, demoteAfterMs: 200 };
    const keeperA = new LeaseKeeper(new ProcessorLeaseStore(replicaA, timings.ttlMs), 'replica-a', timings);
    const keeperB = new LeaseKeeper(new ProcessorLeaseStore(replicaB, timings.ttlMs), 'replica-b', timings);
    const running = { a: false, b: false };
    keeperA.add(flag('reactor:relay', running, 'a'));
    keeperB.add(flag('reactor:relay', running, 'b'));
    cleanups.push(() => keeperB.stop());
    await keeperA.start();
    await keeperB.start();
    expect(running).toEqual({ a: true, b: false });

    await replicaA.destroy(); // replica A loses its database
    await eventually('replica A stopped the relay', () => !running.a);
    await eventually('replica B runs the relay', () => running.b);
    await keeperA.stop();
    expect(running).toEqual({ a: false, b: true });
  });

  async function count(): Promise<number> {
    const rows: { n: string }[] = await replicaB.query('SELECT COUNT(*) AS n FROM poke_rows');
    return Number(rows[0].n);
  }
});

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

function leased(runner: ProjectionRunner, keeper: LeaseKeeper): LeasedWork {
  return { name: 'projection:poke_rows', start: (lease: HeldLease) => runner.start(keeper.fence(lease)), stop: () => runner.stop() };
}

function flag(name: string, running: Record<string, boolean>, key: string): LeasedWork {
  return {
    name,
    start: () => Promise.resolve(void (running[key] = true)),
    stop: () => Promise.resolve(void (running[key] = false)),
  };
}
