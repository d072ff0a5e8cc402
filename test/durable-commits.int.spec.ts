import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { fdatasync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { NewEvent } from '../src/application/ports/event-store.port';
import { SqliteContentVault } from '../src/infrastructure/crypto/sqlite-content-vault';
import { SqliteEventStore } from '../src/infrastructure/event-store/sqlite.event-store';
import { makeTempDir } from './support/temp-dir';

/**
 * The embedded stores flush their commits to disk off the event loop (WalSync). Nothing may act on a commit
 * before its flush ends: an append does not return, readers and listeners do not see its events, a new
 * content key is not handed out. Here the flush is held by a test-controlled fdatasync (the real one runs
 * when it is let go), so "before the flush" is a state the test can look at.
 */
class HeldFlushes {
  readonly held: { fd: number; go: () => void; fail: (error: Error) => void }[] = [];
  readonly datasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    this.held.push({
      fd,
      go: () => fdatasync(fd, callback),
      fail: (error) => callback(error),
    });
  }) as typeof fdatasync;

  async waitForOne(): Promise<HeldFlushes['held'][number]> {
    for (let i = 0; i < 200 && this.held.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const flush = this.held.shift();
    if (!flush) throw new Error('no flush was started');
    return flush;
  }
}

const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: { n: 1 },
  metadata: { schemaVersion: 1, correlationId: 'test', causationId: 'test' },
});

const settledWithin = async (promise: Promise<unknown>, turns = 20): Promise<boolean> => {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('embedded event store: an append is acted on only once it is on disk', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.remove());

  it('holds the append, readAll, headPosition and onAppended until the flush of its commit ends', async () => {
    const flushes = new HeldFlushes();
    const store = new SqliteEventStore(join(tmp.dir, 'held.sqlite'), 10_000, flushes.datasync);
    try {
      const first = store.appendToStream('s-1', [event('First')], 'no_stream');
      (await flushes.waitForOne()).go();
      await first;
      let heard = 0;
      store.onAppended(() => heard++);

      const second = store.appendToStream('s-1', [event('Second'), event('Third')], 0);
      const flush = await flushes.waitForOne();
      // Committed in SQLite, not yet flushed: nobody may see or act on it.
      expect(await settledWithin(second)).toBe(false);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['First']);
      expect(await store.headPosition()).toBe(1n);
      expect(heard).toBe(0);

      flush.go();
      expect((await second).nextExpectedRevision).toBe(2);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['First', 'Second', 'Third']);
      expect(await store.headPosition()).toBe(3n);
      expect(heard).toBe(1);
    } finally {
      flushes.held.forEach((f) => f.go());
      await store.close();
    }
  });

  it('holds the appends made while a flush runs, commits them together as it ends, flushes them next and answers each after it', async () => {
    const flushes = new HeldFlushes();
    const file = join(tmp.dir, 'grouped.sqlite');
    const store = new SqliteEventStore(file, 10_000, flushes.datasync);
    // Another connection sees each commit of the store as a new data_version.
    const observer = new Database(file, { readonly: true });
    const commitsSeen = () => observer.pragma('data_version', { simple: true }) as number;
    try {
      const a = store.appendToStream('s-a', [event('A')], 'no_stream');
      const firstFlush = await flushes.waitForOne();
      const afterA = commitsSeen();
      // Two more appends, in two turns of the event loop, while the first flush runs: neither is committed yet,
      // since neither could be on disk before a flush that starts after the first one ends.
      const b = store.appendToStream('s-b', [event('B')], 'no_stream');
      await new Promise((resolve) => setImmediate(resolve));
      const c = store.appendToStream('s-c', [event('C')], 'no_stream');
      await new Promise((resolve) => setImmediate(resolve));
      expect(commitsSeen()).toBe(afterA);
      firstFlush.go();
      await a;
      expect(commitsSeen()).not.toBe(afterA); // committed (together) as the first flush ended
      expect(await settledWithin(Promise.all([b, c]))).toBe(false);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['A']);
      const secondFlush = await flushes.waitForOne();
      expect(flushes.held).toHaveLength(0); // one flush for both later commits
      secondFlush.go();
      await Promise.all([b, c]);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    } finally {
      observer.close();
      flushes.held.forEach((f) => f.go());
      await store.close();
    }
  });

  it('refuses the appends held for a flush that then fails, rather than leaving them unanswered', async () => {
    const flushes = new HeldFlushes();
    const store = new SqliteEventStore(join(tmp.dir, 'held-then-failed.sqlite'), 10_000, flushes.datasync);
    try {
      const first = store.appendToStream('s-1', [event('NotKnownDurable')], 'no_stream');
      const flush = await flushes.waitForOne();
      const held = store.appendToStream('s-2', [event('Held')], 'no_stream');
      await new Promise((resolve) => setImmediate(resolve));
      flush.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(first).rejects.toThrow(/could not flush/);
      await expect(held).rejects.toThrow(/could not flush/);
      expect(await store.readAll({ maxCount: 10 })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('fails the append when the disk refuses the flush, keeps its events from readers, refuses every later append and reports itself down', async () => {
    const flushes = new HeldFlushes();
    const store = new SqliteEventStore(join(tmp.dir, 'failing.sqlite'), 10_000, flushes.datasync);
    try {
      const first = store.appendToStream('s-1', [event('Kept')], 'no_stream');
      (await flushes.waitForOne()).go();
      await first;
      const lost = store.appendToStream('s-1', [event('NotKnownDurable')], 0);
      (await flushes.waitForOne()).fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(lost).rejects.toThrow(/could not flush .*failing\.sqlite-wal to disk: EIO/);
      expect((await store.readAll({ maxCount: 10 })).map((e) => e.type)).toEqual(['Kept']);
      await expect(store.appendToStream('s-2', [event('Later')], 'no_stream')).rejects.toThrow(/could not flush/);
      // What /health's event-store probe reads: the store reports itself down, with the reason.
      await expect(store.headPosition()).rejects.toThrow(/could not flush .*failing\.sqlite-wal to disk: EIO/);
    } finally {
      await store.close();
    }
  });
});

describe('embedded stores: the log flushed is the log written, through one descriptor', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.remove());

  /** This process's open descriptors naming `path` (Linux: /proc/self/fd). */
  const descriptorsOf = (path: string): number[] =>
    readdirSync('/proc/self/fd')
      .map(Number)
      .filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false; // closed since the listing
        }
      });

  /** The real fdatasync, each descriptor it was given recorded. */
  const recordingFlushes = () => {
    const flushed: number[] = [];
    const datasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      flushed.push(fd);
      fdatasync(fd, callback);
    }) as typeof fdatasync;
    return { flushed, datasync };
  };

  it('flushes the write-ahead log on every commit without opening it again, and lets it go at close', async () => {
    const file = join(tmp.dir, 'one-descriptor.sqlite');
    const { flushed, datasync } = recordingFlushes();
    const store = new SqliteEventStore(file, 10_000, datasync);
    await store.appendToStream('s-1', [event('First')], 'no_stream');
    const open = descriptorsOf(`${file}-wal`).length; // SQLite's own and the flush's
    for (let revision = 0; revision < 20; revision++) await store.appendToStream('s-1', [event('Next')], revision);

    expect(flushed.length).toBeGreaterThanOrEqual(21);
    expect(new Set(flushed).size).toBe(1);
    expect(readlinkSync(`/proc/self/fd/${flushed[0]}`)).toBe(`${file}-wal`);
    expect(descriptorsOf(`${file}-wal`)).toHaveLength(open);
    await store.close();
    expect(descriptorsOf(`${file}-wal`)).toEqual([]);
  });

  it("the content vault's new keys too: one descriptor to its log, let go when the vault closes", async () => {
    const file = join(tmp.dir, 'keys-one-descriptor.sqlite');
    const { flushed, datasync } = recordingFlushes();
    const vault = new SqliteContentVault(file, randomBytes(32), datasync);
    for (let customer = 1; customer <= 5; customer++) await vault.seal(`7-${customer}`, { text: 'hello' });

    expect(flushed).toHaveLength(5);
    expect(new Set(flushed).size).toBe(1);
    expect(readlinkSync(`/proc/self/fd/${flushed[0]}`)).toBe(`${file}-wal`);
    vault.close();
    expect(descriptorsOf(`${file}-wal`)).toEqual([]);
  });
});

describe('embedded content vault: a new key is handed out only once it is on disk', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.remove());

  it('does not seal with a new key, nor with a key another seal just created, before its flush ends', async () => {
    const flushes = new HeldFlushes();
    const vault = new SqliteContentVault(join(tmp.dir, 'keys.sqlite'), randomBytes(32), flushes.datasync);
    try {
      const first = vault.seal('7-42', { text: 'hello' });
      const flush = await flushes.waitForOne();
      expect(await settledWithin(first)).toBe(false);
      // The key's row is committed now: a second seal finds it, and still waits for the same flush.
      const second = vault.seal('7-42', { text: 'again' });
      expect(await settledWithin(second)).toBe(false);
      flush.go();
      const [sealedFirst, sealedSecond] = await Promise.all([first, second]);
      expect(vault.open(sealedFirst)).toEqual({ text: 'hello' });
      expect(vault.open(sealedSecond)).toEqual({ text: 'again' });
    } finally {
      flushes.held.forEach((f) => f.go());
      vault.close();
    }
  });

  it("does not hold a seal under a key already on disk while another conversation's new key is being flushed", async () => {
    const flushes = new HeldFlushes();
    const vault = new SqliteContentVault(join(tmp.dir, 'keys-2.sqlite'), randomBytes(32), flushes.datasync);
    try {
      const older = vault.seal('7-1', { text: 'first message' });
      (await flushes.waitForOne()).go();
      await older;
      const newcomer = vault.seal('7-2', { text: 'a new customer' });
      const flush = await flushes.waitForOne();
      // 7-1's key is on disk: its next message is sealed at once; 7-2's waits for its own key's flush.
      const returning = vault.seal('7-1', { text: 'second message' });
      expect(await settledWithin(returning)).toBe(true);
      expect(vault.open(await returning)).toEqual({ text: 'second message' });
      expect(await settledWithin(newcomer)).toBe(false);
      flush.go();
      expect(vault.open(await newcomer)).toEqual({ text: 'a new customer' });
    } finally {
      flushes.held.forEach((f) => f.go());
      vault.close();
    }
  });
});
