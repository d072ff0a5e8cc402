/** What `projections rebuild` reports and accepts (ProjectionRebuilder). */
export type RebuildPhase = 'replay' | 'final-catch-up' | 'swap' | 'done';

export interface RebuildProgress {
  projections: string[];
  /** Events read from the history in this run. */
  events: number;
  /** The position the shadow tables have reached ('' before the first event). */
  position: string;
  head: string | null;
  eventsPerSecond: number;
  phase: RebuildPhase;
}

export interface RebuildOptions {
  /** Discard an interrupted rebuild's shadow tables and start over instead of resuming. */
  restart?: boolean;
  /** Events read and applied per transaction. */
  pageSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops between pages: shadows and their checkpoint stay, a re-run resumes; the live tables are untouched. */
  signal?: AbortSignal;
  /**
   * Shadow rows kept in memory so the projectors read them from there rather than from the database
   * (default 300,000: some 100–150 MB). Past it the rebuild carries on reading the database; 0: never.
   */
  memoryRowLimit?: number;
}

export interface RebuildResult {
  projections: string[];
  events: number;
  ms: number;
  eventsPerSecond: number;
  /** The position an interrupted rebuild had reached and this run resumed from; null for a fresh start. */
  resumedFrom: string | null;
  /** Milliseconds per phase. */
  phases: Record<Exclude<RebuildPhase, 'done'>, number>;
}

export class RebuildInterruptedError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly position: string) {
    super(`projection rebuild interrupted at position ${position || 'start'}: run it again to resume`);
  }
}
