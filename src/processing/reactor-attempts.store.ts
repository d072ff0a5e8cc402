import Database from 'better-sqlite3';
import { openSqliteFile } from './sqlite-file';

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
 * and finished right after its outcome: one row per reaction; finishes are written in groups (see `finish`).
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
  /** Finishes not yet written: written together, with the next start or at the end of this turn of the event loop. */
  private finishes: [name: string, position: string][] = [];
  private readonly writeFinishes: () => void;
  private readonly startAfterFinishes: (name: string, position: string) => void;

  constructor(file: string) {
    this.db = openSqliteFile(file);
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
    // The queue is emptied only once its transaction committed: a failed write leaves it for the next one.
    const finishAll = () => {
      for (const [name, position] of this.finishes) this.statements.finish.run(name, position);
    };
    this.writeFinishes = this.db.transaction(finishAll);
    this.startAfterFinishes = this.db.transaction((name: string, position: string) => {
      finishAll();
      this.statements.insert.run(name, position);
    });
  }

  /** The attempts of one reactor (its checkpoint name). */
  of(name: string): ReactorAttempts {
    return new ReactorAttempts(this, name);
  }

  /** Written when it returns, in one transaction with the finishes still waiting (one write where there were several). */
  start(name: string, position: bigint): void {
    this.startAfterFinishes(name, encode(position));
    this.finishes = [];
  }

  /**
   * Written with the next start or at the end of this turn of the event loop, whichever comes first: one
   * transaction for the finishes of many lanes instead of one each. A process killed in between has
   * those reactions run again as repeats — as it would between a reaction and its finish anyway — and
   * every reactor that records attempts finds a repeat's outcome already recorded and does nothing.
   */
  finish(name: string, position: bigint): void {
    this.finishes.push([name, encode(position)]);
    if (this.finishes.length > 1) return;
    setImmediate(() => {
      try {
        this.flushFinishes();
      } catch {
        // Still queued: written with the next start, read or forget (or run again as repeats after a crash).
      }
    });
  }

  read(name: string, checkpoint: bigint | null): RecordedAttempts {
    this.flushFinishes();
    const rows = this.statements.above.all(name, encode(checkpoint)) as { position: string; finished: number }[];
    const attempts: RecordedAttempts = { unfinished: new Set(), finished: new Set() };
    for (const row of rows) (row.finished === 1 ? attempts.finished : attempts.unfinished).add(BigInt(row.position));
    return attempts;
  }

  forgetThrough(name: string, checkpoint: bigint | null): void {
    this.flushFinishes();
    this.statements.forget.run(name, encode(checkpoint));
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.flushFinishes();
    } finally {
      this.db.close();
    }
  }

  private flushFinishes(): void {
    if (this.finishes.length === 0 || !this.db.open) return;
    this.writeFinishes();
    this.finishes = [];
  }
}

/** One reactor's attempts. A start is durable when it returns; a finish a moment later (see ReactorAttemptsFile.finish). */
export class ReactorAttempts {
  constructor(
    private readonly file: ReactorAttemptsFile,
    readonly name: string,
  ) {}

  /** The attempts recorded above `checkpoint` (`null`: the start of the store). */
  read(checkpoint: bigint | null): RecordedAttempts {
    return this.file.read(this.name, checkpoint);
  }

  /** Before the reaction's first visible call. */
  started(position: bigint): void {
    this.file.start(this.name, position);
  }

  /** Right after the reaction returned (its outcome recorded). */
  finished(position: bigint): void {
    this.file.finish(this.name, position);
  }

  /** Drops what a durably stored checkpoint has passed: those events are never read again. */
  forgetThrough(checkpoint: bigint | null): void {
    this.file.forgetThrough(this.name, checkpoint);
  }
}

/** `null` (the start of the store, below every position) is '' so that "above it" is every row. */
const encode = (position: bigint | null): string => (position === null ? '' : position.toString().padStart(20, '0'));
