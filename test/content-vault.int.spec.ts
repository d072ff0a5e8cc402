import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SqliteContentVault } from '../src/infrastructure/crypto/sqlite-content-vault';
import { makeTempDir } from './support/temp-dir';

/** The content-key vault on real SQLite files: what `privacy erase` relies on. */
describe('the content-key vault (crypto-shredding)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  const masterKey = randomBytes(32);
  const vaults: SqliteContentVault[] = [];
  const open = () => {
    const vault = new SqliteContentVault(file, masterKey);
    vaults.push(vault);
    return vault;
  };
  const wrappedKeyOf = (keyId: string): string => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare('SELECT wrapped FROM conversation_keys WHERE key_id = ?').get(keyId) as { wrapped: string }).wrapped;
    } finally {
      db.close();
    }
  };
  /** Every byte SQLite keeps for the vault: the file, its write-ahead log and shared memory. */
  const rawBytes = (): Buffer => Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f)));

  beforeEach(() => {
    tmp = makeTempDir();
    file = join(tmp.dir, 'content-keys.sqlite');
  });
  afterEach(() => {
    for (const vault of vaults.splice(0)) vault.close();
    tmp.remove();
  });

  it("an erased key's bytes are gone from the files, not just unlinked; other conversations still open", async () => {
    const vault = open();
    const bob = await vault.seal('7001-42', { text: 'my address is 1 Main St' });
    const eve = await vault.seal('7001-43', { text: 'see you tomorrow' });
    const wrapped = Buffer.from(wrappedKeyOf('7001-42'));
    expect(rawBytes().includes(wrapped)).toBe(true);

    expect(vault.erase('7001-42')).toBe(true);
    expect(vault.open(bob)).toBeNull();
    expect(vault.open(eve)).toEqual({ text: 'see you tomorrow' });
    vault.close();
    expect(rawBytes().includes(wrapped)).toBe(false);
    expect(open().open(eve)).toEqual({ text: 'see you tomorrow' });
    expect(open().open(bob)).toBeNull();
  });

  it('…also while the app keeps the file open: the write-ahead log holds no copy of the erased key', async () => {
    // Closing the last connection folds and deletes the log by itself; the app never closes it while running.
    const app = open();
    const bob = await app.seal('7001-42', { text: 'my address is 1 Main St' });
    const eve = await app.seal('7001-43', { text: 'see you tomorrow' });
    expect(app.open(bob)).toEqual({ text: 'my address is 1 Main St' });
    const wrapped = Buffer.from(wrappedKeyOf('7001-42'));
    const other = wrappedKeyOf('7001-43');

    const cli = open();
    expect(cli.erase('7001-42')).toBe(true);
    cli.close();
    expect(existsSync(`${file}-wal`)).toBe(true); // the app's connection keeps the log: this is what is checked
    expect(rawBytes().includes(wrapped)).toBe(false);
    expect(wrappedKeyOf('7001-43')).toBe(other);
    expect(app.open(eve)).toEqual({ text: 'see you tomorrow' });
    expect(app.open(bob)).toBeNull();
  });

  it('remembers which keys it erased (ids only), so an interrupted erasure can be told from a key it never had', async () => {
    const vault = open();
    await vault.seal('7001-42', 1);
    expect(vault.wasErased('7001-42')).toBe(false);
    expect(vault.erase('7001-42')).toBe(true);
    expect(vault.erase('7001-42')).toBe(false);
    vault.close();
    const reopened = open();
    expect(reopened.wasErased('7001-42')).toBe(true);
    expect(reopened.wasErased('7001-43')).toBe(false);
    expect(reopened.erase('7001-43')).toBe(false); // nothing to delete: no record of an erasure either
    expect(reopened.wasErased('7001-43')).toBe(false);
  });

  it("a key erased by another process is not used from this one's cache, to open or to seal", async () => {
    const app = open();
    const cli = open();
    const old = await app.seal('7001-42', { text: 'before' });
    expect(app.open(old)).toEqual({ text: 'before' }); // the key is now cached in the app

    expect(cli.erase('7001-42')).toBe(true);
    expect(app.open(old)).toBeNull();

    // The customer writes again: a new key, and the old content stays unreadable for everyone.
    const fresh = await app.seal('7001-42', { text: 'after' });
    expect(cli.open(fresh)).toEqual({ text: 'after' });
    expect(app.open(old)).toBeNull();
    expect(cli.open(old)).toBeNull();
  });

  it('keeps a bounded number of keys in memory; a key it let go is read again, and erasures elsewhere still count', async () => {
    const app = new SqliteContentVault(file, masterKey, undefined, 10);
    vaults.push(app);
    const cli = open();
    const ids = Array.from({ length: 30 }, (_, i) => `7001-${100 + i}`);
    const sealed = await Promise.all(ids.map((id, i) => app.seal(id, { text: `message ${i}` })));
    expect(app.cachedKeys).toBeLessThanOrEqual(10);
    ids.forEach((_, i) => expect(app.open(sealed[i])).toEqual({ text: `message ${i}` }));
    expect(app.cachedKeys).toBeLessThanOrEqual(10);
    // The keys read last are cached now (least recently used out first); one of them erased by another process is not used from here.
    expect(cli.erase(ids[29])).toBe(true);
    expect(app.open(sealed[29])).toBeNull();
    expect(app.open(sealed[28])).toEqual({ text: 'message 28' });
  });

  it("keeps only the keys' own bytes in memory, not the shared buffers they were unwrapped into", async () => {
    // A full garbage collection on demand, so that what is measured is what stays reachable.
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const bufferBytes = (): number => {
      collectGarbage();
      collectGarbage();
      return process.memoryUsage().arrayBuffers;
    };
    const ids = Array.from({ length: 2_000 }, (_, i) => `7002-${100 + i}`);
    const writer = open();
    const sealed = await Promise.all(ids.map((id) => writer.seal(id, { text: 'hello' })));
    const reader = open(); // unwraps every key again: each a 32-byte result of a small allocation
    const before = bufferBytes();
    const garbage: Buffer[] = [];
    for (const box of sealed) {
      expect(reader.open(box)).toEqual({ text: 'hello' });
      // Small buffers come out of Node's shared 8 KB pools; this fills the rest of the current one, so each key
      // unwrapped lands in a pool of its own — as when the app allocates between two keys it reads.
      garbage.push(Buffer.allocUnsafe(4_000), Buffer.allocUnsafe(4_000));
    }
    garbage.length = 0;
    const kept = bufferBytes() - before;
    // 2,000 keys of 32 bytes: ~64 KB of key material. A cached key that were a slice of its pool would keep the
    // whole 8 KB pool alive (~16 MB here; 400 MB at the cache's bound of 50,000 keys).
    expect(reader.cachedKeys).toBe(2_000);
    expect(kept).toBeLessThan(2 * 1024 * 1024);
  });

  it('a key erased and re-created by another process replaces the cached one', async () => {
    const app = open();
    const cli = open();
    const old = await app.seal('7001-42', { text: 'before' });
    cli.erase('7001-42');
    const recreated = await cli.seal('7001-42', { text: 'new key' });
    // The app's cached key is the shredded one: it must neither open the new content with it nor seal with it.
    expect(app.open(recreated)).toEqual({ text: 'new key' });
    const sealedByApp = await app.seal('7001-42', { text: 'from the app' });
    expect(cli.open(sealedByApp)).toEqual({ text: 'from the app' });
    expect(app.open(old)).toBeNull();
  });

  it("lists a customer's conversation keys, for every bot or one", async () => {
    const vault = open();
    await vault.seal('7001-42', 1);
    await vault.seal('7002-42', 1);
    await vault.seal('7001-420', 1);
    await vault.seal('bot-7001', 1);
    expect(vault.conversationKeysOf(42).sort()).toEqual(['7001-42', '7002-42']);
    expect(vault.conversationKeysOf(42, 7002)).toEqual(['7002-42']);
    expect(vault.conversationKeysOf(-1)).toEqual([]);
  });

  it('two processes opening a conversation at the same moment agree on one key: each opens what the other sealed', async () => {
    const app = open();
    const cli = open(); // another process's connection to the same file
    const [fromApp, fromCli] = await Promise.all([app.seal('7001-44', { text: 'first' }), cli.seal('7001-44', { text: 'second' })]);
    expect(cli.open(fromApp)).toEqual({ text: 'first' });
    expect(app.open(fromCli)).toEqual({ text: 'second' });
    expect(open().open(fromCli)).toEqual({ text: 'second' });
  });
});
