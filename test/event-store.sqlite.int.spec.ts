import { join } from 'node:path';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { describeEventStoreContract } from './event-store.contract';
import { makeTempDir } from './support/temp-dir';

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
