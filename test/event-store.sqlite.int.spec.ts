import { join } from 'node:path';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { describeEventStoreContract } from './event-store.contract';
import { makeTempDir } from './support/temp-dir';

describeEventStoreContract('embedded SQLite (a real file)', async () => {
  const tmp = makeTempDir();
  const file = join(tmp.dir, 'events.sqlite');
  let current = new SqliteEventStore(file, 50);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = new SqliteEventStore(file, 50);
      return current;
    },
    cleanup: async () => {
      await current.close();
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
    new SqliteEventStore(file).close();
    // Each writer appends one event at a time, as fast as it can, with no expected revision.
    const writer = (name: string) =>
      new Promise<void>((resolve, reject) => {
        const script = `
          const { randomUUID } = require('node:crypto');
          const { SqliteEventStore } = require(${JSON.stringify(moduleFile)});
          (async () => {
            const store = new SqliteEventStore(${JSON.stringify(file)});
            for (let i = 0; i < 150; i++) {
              await store.appendToStream('master-1', [{ id: randomUUID(), type: 'Tick', data: { writer: '${name}', i }, metadata: { schemaVersion: 1, correlationId: 'c', causationId: '${name}:' + i } }], 'any');
            }
            await store.close();
          })().catch((e) => { console.error(e); process.exit(1); });`;
        const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${name} exited ${code}: ${stderr}`))));
      });
    try {
      await Promise.all([writer('a'), writer('b')]);
      const store = new SqliteEventStore(file);
      try {
        const events = await store.readStream('master-1');
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 300 }, (_, i) => i));
        expect(new Set(events.map((e) => (e.data as { writer: string }).writer))).toEqual(new Set(['a', 'b']));
        expect(await new ChainVerifier(store).verifyStream('master-1')).toMatchObject({ ok: true, events: 300, breaks: [] });
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
    }
  }, 60_000);
});
