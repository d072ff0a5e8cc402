import type Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Durable commits that do not stop the event loop while the disk flushes. A SQLite file in WAL mode with
 * `synchronous=FULL` calls fdatasync on its write-ahead log inside every COMMIT: better-sqlite3 is
 * synchronous, so the whole process waits for the disk (0.5 ms or more per commit here, several per relayed
 * message). This runs the connection with `synchronous=NORMAL` instead — which in WAL mode differs from
 * FULL only in that a commit does not sync the log (checkpoints and the log's reuse still sync, so the
 * file is never corrupted) — and makes each commit durable itself: `committed()`, called right after a
 * COMMIT, runs fdatasync on the `-wal` file in libuv's thread pool and resolves once it is done. What
 * FULL gives, a commit that survives a power loss before anyone is told it happened, holds as long as
 * nobody is told before `committed()` resolves; meanwhile the event loop takes the next requests, whose
 * commits the next flush covers (flushes are grouped: one runs at a time, and one more for every commit
 * that came after it started).
 *
 * WARNING: between COMMIT and the flush, the rows are visible to readers of the same file, though not yet
 * durable. Whoever commits must keep them from anyone who would act on them (SqliteEventStore hides
 * them from readAll until they are flushed) and must not answer before `committed()` resolves.
 * A failed fdatasync fails every waiting commit and every later one: after a failed flush the kernel may
 * have dropped the dirty pages, and retrying would report data durable that is not (PostgreSQL's "fsyncgate").
 */
export class WalSync {
  private readonly walFile: string | null;
  private commits = 0;
  private durable = 0;
  private running = false;
  private waiters: Waiter[] = [];
  private failure: Error | null = null;
  /** The log's descriptor, opened at the first flush and kept until `close()` (see `openLog`). */
  private walFd: number | null = null;
  private released = false;
  /** Run as the running flush ends, before the next one starts (see `beforeNextFlush`). */
  private atFlushEnd: (() => void)[] = [];

  /** `datasync`: fs.fdatasync; a test passes one that holds or fails the flush, to see who waits for it. */
  constructor(
    db: Database.Database,
    file: string,
    private readonly datasync: typeof fdatasync = fdatasync,
  ) {
    this.walFile = file === ':memory:' || file === '' ? null : `${file}-wal`;
    db.pragma('synchronous = NORMAL');
  }

  /** Call right after a COMMIT: resolves once that commit, and every one before it, is on disk. */
  committed(): Promise<void> {
    if (!this.walFile) return Promise.resolve();
    this.commits += 1;
    return this.waitFor(this.commits);
  }

  /** The failed flush that stopped this file's commits, or null while they are durable. */
  get failed(): Error | null {
    return this.failure;
  }

  /**
   * Runs `callback` when a commit it makes goes out with the next flush at once: in the next turn of the event loop
   * when no flush runs, else as the running one ends (whether it succeeded or failed), before the next starts. For a
   * writer that holds its commits while a flush runs and makes them one (see SqliteEventStore): none of them could
   * be on disk sooner, since a flush covers only the commits made before it started.
   */
  beforeNextFlush(callback: () => void): void {
    if (this.running) this.atFlushEnd.push(callback);
    else setImmediate(callback);
  }

  /** Resolves once every commit made so far is on disk: at once when none is waiting. */
  settled(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.durable === this.commits) return Promise.resolve();
    return this.waitFor(this.commits);
  }

  /** Flushes now, blocking (for rare writes that must be durable before a synchronous call returns). */
  flushNow(): void {
    if (!this.walFile) return;
    if (this.failure) throw this.failure;
    const target = this.commits;
    const fd = this.openLog();
    if (fd === null) return; // see flush()
    fdatasyncSync(fd);
    this.durable = Math.max(this.durable, target);
  }

  /** Waits for the commits still being flushed, then lets the log's descriptor go. Call before closing the connection. */
  async close(): Promise<void> {
    await this.settled().catch(() => undefined);
    this.release();
  }

  /** Lets the log's descriptor go at once (a connection closed without waiting for its flushes: they still end). */
  release(): void {
    this.released = true;
    if (!this.running) this.closeLog();
  }

  private waitFor(seq: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.running || this.waiters.length === 0) return;
    const target = this.commits;
    let fd: number | null;
    try {
      fd = this.openLog();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (fd === null) {
      // No log: the last connection checkpointed (syncing it) and deleted it, so there is nothing left to flush.
      this.done(target);
      return;
    }
    this.running = true;
    this.datasync(fd, (error) => {
      this.running = false;
      if (this.released) this.closeLog();
      if (error) this.fail(error);
      else this.done(target);
    });
  }

  /**
   * The log's descriptor: opened once and kept (an open and a close per flush were two more system calls on the
   * recording path). It stays the log's: SQLite deletes the log only when the last connection to the file closes,
   * and this one is open until after `close()`; a checkpoint that truncates the log keeps the same file.
   * `null` when there is no log; throws when it cannot be opened.
   */
  private openLog(): number | null {
    if (this.walFd !== null) return this.walFd;
    try {
      this.walFd = openSync(this.walFile!, 'r');
      return this.walFd;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private closeLog(): void {
    if (this.walFd === null) return;
    closeSync(this.walFd);
    this.walFd = null;
  }

  /** Every commit up to `target` is on disk: their waiters go; a flush starts for any commit after them. */
  private done(target: number): void {
    this.durable = Math.max(this.durable, target);
    this.runFlushEndCallbacks();
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.seq <= target) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
    this.flush();
  }

  private fail(error: unknown): void {
    this.failure = new Error(`could not flush ${this.walFile} to disk: ${error instanceof Error ? error.message : String(error)}`);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(this.failure);
    this.runFlushEndCallbacks();
  }

  /** Their commits wait on the next flush (started by `committed()`, or refused at once after a failure). */
  private runFlushEndCallbacks(): void {
    if (this.atFlushEnd.length === 0) return;
    const callbacks = this.atFlushEnd;
    this.atFlushEnd = [];
    for (const callback of callbacks) callback();
  }
}
