import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContentVault } from '../../application/ports/crypto.port';
import { Sealed } from '../../domain/shared/sealed';
import { decrypt, encrypt } from './aes-gcm';

/**
 * Per-conversation data keys in their own SQLite file (DATA_DIR/content-keys.sqlite), each wrapped by
 * the master key. Kept apart from the event store on purpose: erasing a row here shreds a customer's
 * content in every event and every copy, without touching the append-only history.
 */
export class SqliteContentVault implements ContentVault {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Buffer | null>();
  private readonly statements: Record<'select' | 'insert' | 'delete', Database.Statement>;

  constructor(file: string, private readonly masterKey: Buffer) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS conversation_keys (key_id TEXT PRIMARY KEY, wrapped TEXT NOT NULL, created_at TEXT NOT NULL)');
    this.statements = {
      select: this.db.prepare('SELECT wrapped FROM conversation_keys WHERE key_id = ?'),
      // INSERT OR IGNORE + re-read: two processes creating the same key at once agree on one.
      insert: this.db.prepare('INSERT OR IGNORE INTO conversation_keys (key_id, wrapped, created_at) VALUES (?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM conversation_keys WHERE key_id = ?'),
    };
  }

  seal(conversationId: string, content: unknown): Sealed {
    const key = this.keyFor(conversationId, true)!;
    return { keyId: conversationId, box: encrypt(key, Buffer.from(JSON.stringify(content)), `content:${conversationId}`) };
  }

  open<T>(sealed: Sealed): T | null {
    const key = this.keyFor(sealed.keyId, false);
    if (!key) return null;
    try {
      return JSON.parse(decrypt(key, sealed.box, `content:${sealed.keyId}`).toString('utf8')) as T;
    } catch {
      // Sealed under a key that was erased and later replaced: the old content is gone.
      return null;
    }
  }

  erase(conversationId: string): void {
    this.statements.delete.run(conversationId);
    this.cache.set(conversationId, null);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private keyFor(keyId: string, create: boolean): Buffer | null {
    const cached = this.cache.get(keyId);
    if (cached || (cached === null && !create)) return cached;
    const row = this.statements.select.get(keyId) as { wrapped: string } | undefined;
    if (row) {
      const key = decrypt(this.masterKey, row.wrapped, `key:${keyId}`);
      this.cache.set(keyId, key);
      return key;
    }
    if (!create) return null;
    const key = randomBytes(32);
    this.statements.insert.run(keyId, encrypt(this.masterKey, key, `key:${keyId}`), new Date().toISOString());
    this.cache.delete(keyId);
    return this.keyFor(keyId, false);
  }
}
