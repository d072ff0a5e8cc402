import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DuplicateEventIdError, NewEvent, WrongExpectedRevisionError } from '../src/application/ports/event-store.port';
import { ChainVerifier } from '../src/audit/chain-verifier';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { describeEventStoreContract } from './event-store.contract';
import { makeTempDir } from './support/temp-dir';

/** An event for these tests: its type as its data, a fresh id unless given. */
const ev = (type: string, id: string = randomUUID()): NewEvent => ({
  id,
  type,
  data: { type },
  metadata: { schemaVersion: 1, correlationId: 'test', causationId: 'test' },
});

/** The events table as created before 2026-11-29: its `id` column UNIQUE. */
const OLD_EVENTS_TABLE = `CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
  UNIQUE (stream_id, revision))`;

describeEventStoreContract('embedded SQLite (a real file)', async () => {
  const tmp = makeTempDir();
  const file = join(tmp.dir, 'events.sqlite');
  let current = new SqliteEventStore(file, 50);
  const others: SqliteEventStore[] = [];
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteEventStore(file, 50);
      return current;
    },
    openAnother: async () => {
      const other = new SqliteEventStore(file, 50);
      others.push(other);
      return other;
    },
    cleanup: async () => {
      for (const store of [current, ...others]) await store.close();
      tmp.remove();
    },
  };
});

describe('embedded SQLite: two processes appending to one stream', () => {
  it("keep one unbroken hash chain with dense revisions, even with 'any' appends racing", async () => {
    const { spawn } = await import('node:child_process');
    const { existsSync } = await import('node:fs');
    const { ChainVerifier } = await import('../src/audit/chain-verifier');
    const moduleFile = join(__dirname, '..', 'dist', 'src', 'infrastructure', 'event-store', 'sqlite.event-store.js');
    if (!existsSync(moduleFile)) throw new Error(`${moduleFile} is missing: run \`npm run build\` first (npm test does)`);
    const tmp = makeTempDir();
    const file = join(tmp.dir, 'events.sqlite');
    void new SqliteEventStore(file).close();
    const PER_WRITER = 150;
    // Each writer opens the store, says "ready", waits for "go", then appends one event at a time with no
    // expected revision. The short pause after each append releases the write lock, so the other process
    // gets in between: without it one process tends to hold the lock for its whole run and nothing races.
    const writer = (name: string) => {
      const script = `
        const { randomUUID } = require('node:crypto');
        const { SqliteEventStore } = require(${JSON.stringify(moduleFile)});
        const store = new SqliteEventStore(${JSON.stringify(file)});
        process.stdout.write('ready\\n');
        process.stdin.once('data', async () => {
          try {
            for (let i = 0; i < ${PER_WRITER}; i++) {
              await store.appendToStream('master-1', [{ id: randomUUID(), type: 'Tick', data: { writer: '${name}', i }, metadata: { schemaVersion: 1, correlationId: 'c', causationId: '${name}:' + i } }], 'any');
              await new Promise((r) => setTimeout(r, 1));
            }
            await store.close();
            process.exit(0);
          } catch (e) { console.error(e); process.exit(1); }
        });`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<void>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${name} exited ${code}: ${stderr}`)))),
      );
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        exited.catch(reject);
      });
      return { child, ready, exited };
    };
    try {
      const writers = [writer('a'), writer('b')];
      await Promise.all(writers.map((w) => w.ready));
      for (const w of writers) w.child.stdin.end('go\n');
      await Promise.all(writers.map((w) => w.exited));
      const store = new SqliteEventStore(file);
      try {
        const events = await store.readStream('master-1');
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 2 * PER_WRITER }, (_, i) => i));
        // The writers really took turns (each turn is an append whose predecessor the other process wrote),
        // so a predecessor read outside the write lock, or remembered from this process, would show.
        const writersInOrder = events.map((e) => (e.data as { writer: string }).writer);
        const turns = writersInOrder.filter((w, i) => i > 0 && w !== writersInOrder[i - 1]).length;
        expect(turns).toBeGreaterThanOrEqual(10);
        expect(await new ChainVerifier(store).verifyStream('master-1')).toMatchObject({
          ok: true,
          events: 2 * PER_WRITER,
          breaks: [],
          unchainedEvents: 0,
        });
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
    }
  }, 60_000);
});

describe('embedded SQLite: re-appends and reused ids inside one group commit', () => {
  it('answers a replay with the original result, refuses a partly reused batch or a stale revision, and leaves the other appends of the group alone', async () => {
    const tmp = makeTempDir();
    const store = new SqliteEventStore(join(tmp.dir, 'events.sqlite'), 50);
    try {
      const single = ev('Single');
      const batch = [ev('First'), ev('Second')];
      const original = await store.appendToStream('s-single', [single], 'no_stream');
      await store.appendToStream('s-batch', batch, 'no_stream');
      const headBefore = await store.headPosition();

      // All in one turn of the event loop: one group commit, one transaction.
      const outcomes = await Promise.allSettled([
        store.appendToStream('s-early', [ev('Early')], 'no_stream'), // unrelated, before the failures: written
        store.appendToStream('s-single', [single], 'any'), // a replay, found among the stream's last events
        store.appendToStream('s-single', [single], 'no_stream'), // a replay at the revision it was first appended at
        store.appendToStream('s-batch', [batch[0], ev('Other')], 'no_stream'), // first id in place, the second not: none written
        store.appendToStream('s-new', [ev('New'), ev('Twice', 'same-id'), ev('Twice', 'same-id')], 'no_stream'), // an id twice in one batch
        store.appendToStream('s-batch', [ev('Late')], 0), // stale: the stream is at revision 1
        store.appendToStream('s-batch', [ev('Third')], 1), // right after the failures, on the same stream: written
        store.appendToStream('s-other', [ev('Copy', single.id)], 'no_stream'), // another stream's id: stored, as on EventStoreDB
      ]);

      expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
      expect(outcomes[1]).toEqual({ status: 'fulfilled', value: original });
      expect(outcomes[2]).toEqual({ status: 'fulfilled', value: original });
      expect(outcomes[3]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(outcomes[4]).toMatchObject({ status: 'rejected', reason: expect.any(DuplicateEventIdError) });
      expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedRevisionError) });
      expect(outcomes[6]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2 } });
      expect(outcomes[7]).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });

      expect((await store.readStream('s-single')).map((e) => e.type)).toEqual(['Single']);
      expect((await store.readStream('s-other')).map((e) => [e.type, e.id])).toEqual([['Copy', single.id]]);
      expect(await store.readStream('s-new')).toEqual([]);
      expect((await store.readStream('s-batch')).map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
      expect((await store.readAll({ after: headBefore ?? 0n, maxCount: 10 })).map((e) => e.type)).toEqual(['Early', 'Third', 'Copy']);
      // The failed appends left no link behind: every chain is unbroken, the one written after them included.
      const verifier = new ChainVerifier(store);
      for (const s of ['s-single', 's-batch', 's-early', 's-other']) {
        expect(await verifier.verifyStream(s)).toMatchObject({ ok: true, breaks: [] });
      }
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});

describe('embedded SQLite: a file made before event ids stopped being indexed', () => {
  it('is rebuilt once, on first open, without the index: every event as it was, the chains intact, appends go on', async () => {
    const tmp = makeTempDir();
    const fresh = join(tmp.dir, 'fresh.sqlite');
    const old = join(tmp.dir, 'old.sqlite');
    try {
      // A history written by the store, copied into a table of the old shape (its `id` column UNIQUE).
      const writer = new SqliteEventStore(fresh, 50);
      const first = [ev('First'), ev('Second')];
      await writer.appendToStream('s-a', first, 'no_stream');
      await writer.appendToStream('s-b', [ev('Other')], 'no_stream');
      await writer.appendToStream('s-a', [ev('Third')], 1);
      const written = await writer.readAll({ maxCount: 100 });
      await writer.close();
      const raw = new Database(old);
      raw.exec(OLD_EVENTS_TABLE);
      raw.exec(`ATTACH DATABASE '${fresh}' AS fresh; INSERT INTO events SELECT * FROM fresh.events; DETACH DATABASE fresh`);
      const indexedIds = () =>
        (raw.pragma('index_list(events)') as { name: string }[]).filter((index) =>
          (raw.pragma(`index_info(${JSON.stringify(index.name)})`) as { name: string }[]).some((column) => column.name === 'id'),
        ).length;
      expect(indexedIds()).toBe(1);

      const store = new SqliteEventStore(old, 50);
      try {
        expect(indexedIds()).toBe(0);
        expect(await store.readAll({ maxCount: 100 })).toEqual(written);
        const verifier = new ChainVerifier(store);
        for (const stream of ['s-a', 's-b']) expect(await verifier.verifyStream(stream)).toMatchObject({ ok: true, breaks: [] });
        // A replay is still recognised; a new event continues the positions and the chain.
        expect(await store.appendToStream('s-a', first, 'no_stream')).toEqual({ nextExpectedRevision: 1, position: written[1].position });
        const next = await store.appendToStream('s-a', [ev('Fourth')], 2);
        expect(next).toEqual({ nextExpectedRevision: 3, position: written[written.length - 1].position + 1n });
        expect(await verifier.verifyStream('s-a')).toMatchObject({ ok: true, breaks: [] });
        expect(raw.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get()).toBe(Number(next.position));
      } finally {
        await store.close();
        raw.close();
      }
      // Opened again: nothing left to rebuild, nothing changed.
      const again = new SqliteEventStore(old, 50);
      expect((await again.readAll({ maxCount: 100 })).map((e) => e.type)).toEqual(['First', 'Second', 'Other', 'Third', 'Fourth']);
      await again.close();
    } finally {
      tmp.remove();
    }
  });
  it('never hands out a position again: the sequence stays where it was, even above the last event', async () => {
    const tmp = makeTempDir();
    const old = join(tmp.dir, 'old.sqlite');
    try {
      const raw = new Database(old);
      raw.exec(OLD_EVENTS_TABLE);
      // Positions 1–3 handed out, the last one gone since (an operator's repair): the next one is 4, not 3.
      const insert = raw.prepare(
        "INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, 'E', '{}', '{}', '2026-11-01T00:00:00.000Z')",
      );
      for (let i = 0; i < 3; i++) insert.run(randomUUID(), `s-${i}`, 0);
      raw.exec('DELETE FROM events WHERE position = 3');
      raw.close();

      const store = new SqliteEventStore(old, 50);
      try {
        expect((await store.appendToStream('s-new', [ev('New')], 'no_stream')).position).toBe(4n);
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
    }
  });
});
