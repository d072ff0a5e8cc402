import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { fdatasync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContentVault } from '../../application/ports/crypto.port';
import { BoundedMap } from '../../application/shared/bounded-map';
import { Sealed } from '../../domain/shared/sealed';
import { WalSync } from '../sqlite/wal-sync';
import { decrypt, encrypt } from './aes-gcm';

/** Unwrapped keys kept in memory, at most (~0.3 KB each, 15 MB in all); one evicted is read and unwrapped again when next used. */
const MAX_CACHED_KEYS = 50_000;

/**
 * Per-conversation data keys in their own SQLite file (DATA_DIR/content-keys.sqlite), each wrapped by
 * the master key. Kept apart from the event store on purpose: erasing a row here shreds a customer's
 * content in every event and every copy, without touching the append-only history.
 */
export class SqliteContentVault implements ContentVault {
  private readonly db: Database.Database;
  /** New keys are on disk only when their flush ends (see WalSync). */
  private readonly durability: WalSync;
  /**
   * Unwrapped keys by id, with the stored (wrapped) form they came from and the file's `PRAGMA data_version` when
   * that form was last read. An entry is used as it is only while no other connection has committed to the file
   * since (the version, read on every use, is unchanged); else its row is read again: a key another process erased
   * (`privacy erase`), or erased and re-created, or created first, is never used from here. This process's own
   * writes keep the entries right themselves. Bounded (`MAX_CACHED_KEYS`), least recently used out first (a key
   * let go is read and unwrapped again when next needed).
   */
  private readonly cache: BoundedMap<string, { wrapped: string; key: Buffer; version: unknown }>;
  private readonly creating = new Map<string, Promise<Buffer>>();
  private readonly queue: { keyId: string; resolve: (key: Buffer) => void; reject: (error: unknown) => void }[] = [];
  private readonly statements: Record<
    'select' | 'insert' | 'delete' | 'tombstone' | 'erased' | 'ofCustomer' | 'dataVersion',
    Database.Statement
  >;

  /** `datasync`: how new keys are flushed (fs.fdatasync; a test passes one it controls); `maxCachedKeys`: a test's smaller bound. */
  constructor(
    file: string,
    private readonly masterKey: Buffer,
    datasync?: typeof fdatasync,
    maxCachedKeys = MAX_CACHED_KEYS,
  ) {
    this.cache = new BoundedMap(maxCachedKeys);
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.durability = new WalSync(this.db, file, datasync);
    this.db.pragma('busy_timeout = 5000');
    // An erased key's bytes are overwritten, not left in a free page of the file.
    this.db.pragma('secure_delete = ON');
    this.db.exec('CREATE TABLE IF NOT EXISTS conversation_keys (key_id TEXT PRIMARY KEY, wrapped TEXT NOT NULL, created_at TEXT NOT NULL)');
    // Which keys this vault erased (ids only, no key material): an erasure interrupted after the delete
    // can be told apart from a key this vault never had, and completed by running it again.
    this.db.exec('CREATE TABLE IF NOT EXISTS erased_keys (key_id TEXT PRIMARY KEY, erased_at TEXT NOT NULL)');
    this.statements = {
      select: this.db.prepare('SELECT wrapped FROM conversation_keys WHERE key_id = ?'),
      // INSERT OR IGNORE + re-read: two processes creating the same key at once agree on one.
      insert: this.db.prepare('INSERT OR IGNORE INTO conversation_keys (key_id, wrapped, created_at) VALUES (?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM conversation_keys WHERE key_id = ?'),
      tombstone: this.db.prepare('INSERT OR REPLACE INTO erased_keys (key_id, erased_at) VALUES (?, ?)'),
      erased: this.db.prepare('SELECT 1 FROM erased_keys WHERE key_id = ?').pluck(),
      // Conversation key ids end in "-<customerId>"; the exact shape is checked in code (LIKE's `_` and `%`).
      ofCustomer: this.db.prepare("SELECT key_id FROM conversation_keys WHERE key_id LIKE '%-' || ?").pluck(),
      // Changes whenever another connection (another process: the CLI, a replica) commits to this file.
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
    };
  }

  async seal(conversationId: string, content: unknown): Promise<Sealed> {
    // Content sealed under a key must never be recorded before the key is on disk: a key this process is
    // still creating (committed, maybe still being flushed) is waited for; any other stored key is on disk.
    // Only that key: a seal does not wait for the flush of other conversations' new keys.
    if (this.durability.failed) throw this.durability.failed;
    const key = (this.creating.has(conversationId) ? null : this.keyFor(conversationId)) ?? (await this.createKey(conversationId));
    return { keyId: conversationId, box: encrypt(key, Buffer.from(JSON.stringify(content)), `content:${conversationId}`) };
  }

  open<T>(sealed: Sealed): T | null {
    const key = this.keyFor(sealed.keyId);
    if (!key) return null;
    try {
      return JSON.parse(decrypt(key, sealed.box, `content:${sealed.keyId}`).toString('utf8')) as T;
    } catch {
      // Sealed under a key that was erased and later replaced: the old content is gone.
      return null;
    }
  }

  erase(conversationId: string): boolean {
    const changes = this.db
      .transaction(() => {
        const deleted = this.statements.delete.run(conversationId).changes;
        if (deleted > 0) this.statements.tombstone.run(conversationId, new Date().toISOString());
        return deleted;
      })
      .immediate();
    this.cache.delete(conversationId);
    if (changes > 0) this.durability.flushNow();
    // The write-ahead log still holds the page as it was before the delete: fold it into the (securely
    // overwritten) file and cut the log to zero bytes. SQLite waits (busy_timeout) for readers in other
    // processes; one still holding an old snapshot after that leaves the job to the next checkpoint.
    if (changes > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changes > 0;
  }

  /** How many unwrapped keys it holds in memory (tests: the bound). */
  get cachedKeys(): number {
    return this.cache.size;
  }

  /** Did this vault ever erase the key (now, or in an earlier run that may have been interrupted)? */
  wasErased(conversationId: string): boolean {
    return this.statements.erased.get(conversationId) !== undefined;
  }

  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  conversationKeysOf(customerId: number, botId?: number): string[] {
    if (!Number.isSafeInteger(customerId) || customerId <= 0) return [];
    const ids = this.statements.ofCustomer.all(String(customerId)) as string[];
    return ids.filter((id) => {
      const match = /^(\d+)-(\d+)$/.exec(id);
      return match !== null && Number(match[2]) === customerId && (botId === undefined || Number(match[1]) === botId);
    });
  }

  close(): void {
    // Pending flushes end on their own (a new key's seal waits for them) and then let the log's descriptor go.
    this.durability.release();
    if (this.db.open) this.db.close();
  }

  /**
   * The stored key, unwrapped once per stored form: from the cache while no other connection has written to the
   * file since its row was read (one read of `data_version`, about half an indexed read), else from its row.
   */
  private keyFor(keyId: string): Buffer | null {
    const version = this.statements.dataVersion.get();
    const cached = this.cache.get(keyId);
    if (cached && cached.version === version) return cached.key;
    const row = this.statements.select.get(keyId) as { wrapped: string } | undefined;
    if (!row) {
      this.cache.delete(keyId);
      return null;
    }
    if (cached?.wrapped === row.wrapped) {
      cached.version = version;
      return cached.key;
    }
    const key = decrypt(this.masterKey, row.wrapped, `key:${keyId}`);
    this.remember(keyId, { wrapped: row.wrapped, key, version });
    return key;
  }

  private remember(keyId: string, entry: { wrapped: string; key: Buffer; version: unknown }): void {
    // Its own 32 bytes: an unwrapped key is a slice of Node's shared 8 KB buffer pool, which it would keep alive.
    const key = Buffer.allocUnsafeSlow(entry.key.length);
    entry.key.copy(key);
    this.cache.set(keyId, { ...entry, key });
  }

  /**
   * New keys are written in groups: keys requested in the same turn of the event loop share one
   * transaction (one fsync, off the event loop) — a burst of new customers would otherwise fsync once
   * each. A key is on disk before any content sealed with it can be recorded: the promise resolves after
   * the flush.
   */
  private createKey(keyId: string): Promise<Buffer> {
    let pending = this.creating.get(keyId);
    if (!pending) {
      pending = new Promise<Buffer>((resolve, reject) => this.queue.push({ keyId, resolve, reject }));
      this.creating.set(keyId, pending);
      if (this.queue.length === 1) setImmediate(() => this.flushNewKeys());
    }
    return pending;
  }

  private flushNewKeys(): void {
    const batch = this.queue.splice(0);
    const settled: { request: (typeof batch)[number]; key: Buffer | null }[] = [];
    try {
      const created = new Map<string, { wrapped: string; key: Buffer }>();
      this.db
        .transaction(() => {
          const now = new Date().toISOString();
          for (const { keyId } of batch) {
            const key = randomBytes(32);
            const wrapped = encrypt(this.masterKey, key, `key:${keyId}`);
            created.set(keyId, { wrapped, key });
            this.statements.insert.run(keyId, wrapped, now);
          }
        })
        .immediate();
      for (const request of batch) {
        // Cached as created, so it is not unwrapped again; keyFor still checks it is the stored one (another
        // process may have created this key first, and then theirs is used): no version yet, so its row is read.
        this.remember(request.keyId, { ...created.get(request.keyId)!, version: undefined });
        settled.push({ request, key: this.keyFor(request.keyId) });
      }
    } catch (error) {
      for (const { keyId } of batch) this.creating.delete(keyId);
      for (const request of batch) request.reject(error);
      return;
    }
    this.durability.committed().then(
      () => {
        for (const { request, key } of settled) {
          this.creating.delete(request.keyId);
          if (key) request.resolve(key);
          else request.reject(new Error(`content key ${request.keyId} vanished while being created`));
        }
      },
      (error: unknown) => {
        for (const { request } of settled) {
          this.creating.delete(request.keyId);
          request.reject(error);
        }
      },
    );
  }
}
