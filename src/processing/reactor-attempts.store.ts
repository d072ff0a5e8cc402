import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The one attempts file of the process (DATA_DIR/reactor-attempts.sqlite). */
export const REACTOR_ATTEMPTS = Symbol('REACTOR_ATTEMPTS');

/** What a restart finds of the reactions above the checkpoint of a reactor that records attempts. */
export interface RecordedAttempts {
  /** Started and never finished: in flight when the process died. Their effect may be visible already. */
  unfinished: Set<bigint>;
  /** Finished (recorded before the checkpoint passed them): not run again. */
  finished: Set<bigint>;
}

type Statements = Record<'insert' | 'finish' | 'above' | 'forget', Database.Statement>;

/**
 * Reactions of reactors whose repeats a user would see, each recorded as started before its Telegram call
 * and finished right after its outcome: one row per reaction, one prepared statement per write.
 *
 * In its own SQLite file in DATA_DIR, not in the read-model database: relays and replies never wait for
 * that database (issue 10 item 4), and these writes never queue behind the projections' transactions on
 * the embedded read models' one connection. DATA_DIR is already required state (content keys, instance lock).
 *
 * Durable as the reactor checkpoints are (WAL, `synchronous=NORMAL`, as the embedded read models run): a
 * write that returned survives the process being killed — it is in the operating system's hands — but
 * not a power loss or kernel crash, which may lose the last attempts (their repeats then go unmarked,
 * as the checkpoint lost with them makes those events run again anyway). No fsync per reaction.
 *
 * WARNING: the file belongs to this DATA_DIR. Replicas share it (they must run on one host with one
 * DATA_DIR), so a replica taking a reactor over reads its predecessor's attempts here; a process on another
 * DATA_DIR would not see them, and its repeats would go unmarked.
 *
 * Positions are stored as 20-digit zero-padded text: text order is number order for any 64-bit position
 * (EventStoreDB's are sparse and large).
 */
export class ReactorAttemptsFile {
  private readonly db: Database.Database;
  private readonly statements: Statements;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS reactor_attempts (name TEXT NOT NULL, position TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (name, position)) WITHOUT ROWID',
    );
    this.statements = {
      // A retry in the same process records nothing new.
      insert: this.db.prepare('INSERT OR IGNORE INTO reactor_attempts (name, position, finished) VALUES (?, ?, 0)'),
      finish: this.db.prepare('UPDATE reactor_attempts SET finished = 1 WHERE name = ? AND position = ?'),
      above: this.db.prepare('SELECT position, finished FROM reactor_attempts WHERE name = ? AND position > ?'),
      forget: this.db.prepare('DELETE FROM reactor_attempts WHERE name = ? AND position <= ?'),
    };
  }

  /** The attempts of one reactor (its checkpoint name). */
  of(name: string): ReactorAttempts {
    return new ReactorAttempts(this.statements, name);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** One reactor's attempts. Each write is one synchronous statement, durable when it returns. */
export class ReactorAttempts {
  constructor(
    private readonly statements: Statements,
    readonly name: string,
  ) {}

  /** The attempts recorded above `checkpoint` (`null`: the start of the store). */
  read(checkpoint: bigint | null): RecordedAttempts {
    const rows = this.statements.above.all(this.name, encode(checkpoint)) as { position: string; finished: number }[];
    const attempts: RecordedAttempts = { unfinished: new Set(), finished: new Set() };
    for (const row of rows) (row.finished === 1 ? attempts.finished : attempts.unfinished).add(BigInt(row.position));
    return attempts;
  }

  /** Before the reaction's first visible call. */
  started(position: bigint): void {
    this.statements.insert.run(this.name, encode(position));
  }

  /** Right after the reaction returned (its outcome recorded). */
  finished(position: bigint): void {
    this.statements.finish.run(this.name, encode(position));
  }

  /** Drops what a durably stored checkpoint has passed: those events are never read again. */
  forgetThrough(checkpoint: bigint | null): void {
    this.statements.forget.run(this.name, encode(checkpoint));
  }
}

/** `null` (the start of the store, below every position) is '' so that "above it" is every row. */
const encode = (position: bigint | null): string => (position === null ? '' : position.toString().padStart(20, '0'));
