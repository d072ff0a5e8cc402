import { BotToken } from '../domain/client-bot/bot-token';

/**
 * How one projection or reactor is doing, as its runner reports it: the last position it finished,
 * when it last moved, and since when its batches fail. Readiness and the lag metrics read it; the
 * runner never waits on it.
 */
export class ConsumerProgress {
  /** Position of the last event handled (the checkpoint it has reached); `null` before the first. */
  position: bigint | null = null;
  /** When the position last moved (or the runner started). */
  movedAt = Date.now();
  /** When the current run of failed batches began; `null` while batches succeed. */
  failingSince: number | null = null;
  /** The last failure, tokens redacted (shown only to a bearer of HEALTH_TOKEN). */
  lastError: string | null = null;
  /** Held still on purpose by a projection rebuild (resumes at its swap): not counted as stuck. */
  frozen = false;
  /** Its batches may legitimately take minutes (a broadcast reactor): counted as down only when failing. */
  longRunning = false;

  constructor(
    /** `projection:<name>` or `reactor:<name>`. */
    readonly name: string,
  ) {}

  started(position: bigint | null): void {
    this.position = position;
    this.movedAt = Date.now();
    this.frozen = false;
  }

  advanced(position: bigint): void {
    this.position = position;
    this.movedAt = Date.now();
    this.failingSince = null;
    this.lastError = null;
  }

  /** The position moved while some work may still be failing (a reactor's lanes fail and recover one by one). */
  moved(position: bigint | null): void {
    this.position = position;
    this.movedAt = Date.now();
  }

  /** No work is failing any more. */
  recovered(): void {
    this.failingSince = null;
    this.lastError = null;
  }

  failed(error: unknown): void {
    this.failingSince ??= Date.now();
    this.lastError = BotToken.redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
  }
}
