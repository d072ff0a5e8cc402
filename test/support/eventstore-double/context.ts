import type { ServiceError } from '@grpc/grpc-js';
import { errors } from './codec';
import type { EventLog } from './log';
import type { SystemEvents } from './system-events';

/** Switchable faults, read by every call as it arrives (change them any time). */
export interface DoubleFaults {
  /** Read calls (reads and subscriptions) never answer: no event, no end, until the client cancels or its deadline passes. */
  hangReads: boolean;
  /** Appends wait this long before they are written (`Infinity`: never). See `writeTimeoutMs` for what the client sees. */
  appendDelayMs: number;
  /** Live subscription events reach subscribers this much later than the append that wrote them (a lagging subscription). */
  liveDelayMs: number;
  /** The next `remaining` Streams calls answer "not leader", naming `host:port` as the leader (a follower's answer). */
  notLeader?: { host: string; port: number; remaining: number };
}

export interface DoubleSettings {
  /** Largest batch in bytes (the server's `MaxAppendSize`, 1 MiB by default): bigger ones are refused. */
  maxAppendSize: number;
  /**
   * How long a write may take before the call is answered "timed out" (the server's `WriteTimeoutMs`,
   * 2 s by default). As on the server, a timed-out write is not withdrawn: it still lands when its delay ends.
   */
  writeTimeoutMs: number;
  /** Whether `ServerFeatures` advertises `BatchAppend` (when not, the client appends with `Append`). */
  advertiseBatchAppend: boolean;
  /** Version reported by `ServerFeatures`. */
  serverVersion: string;
}

/** What the service handlers share: the log, the system-event writer, settings and faults. */
export interface DoubleContext {
  log: EventLog;
  system: SystemEvents;
  settings: DoubleSettings;
  faults: DoubleFaults;
  /** Counts calls by kind (`append`, `batchAppend`, `batch` (a complete batch received over BatchAppend), `readStream`, `readAll`, `hungRead`, `subscribe`, `serverFeatures`), for tests that check the path taken. */
  calls: Map<string, number>;
  /** Aborted when the double stops: writes still waiting on their delay are dropped, as a crash would lose them. */
  stopSignal: AbortSignal;
}

export function countCall(context: DoubleContext, kind: string): void {
  context.calls.set(kind, (context.calls.get(kind) ?? 0) + 1);
}

/** The "not leader" answer when that fault is on (and uses one of its `remaining` answers). */
export function notLeaderFault(context: DoubleContext): ServiceError | undefined {
  const fault = context.faults.notLeader;
  if (!fault || fault.remaining <= 0) return undefined;
  fault.remaining -= 1;
  return errors.notLeader(fault.host, fault.port);
}

/**
 * Runs `write` after the append delay (at once without one). Resolves with its result, or `undefined`
 * when the call was cancelled first (nothing written, as the server drops a write whose call is gone) or
 * when `writeTimeoutMs` passed first: `onTimeout` has then answered the call, and the write still happens
 * at the end of the delay.
 */
export async function delayedWrite<T>(
  context: DoubleContext,
  signal: AbortSignal,
  write: () => T,
  onTimeout: () => void,
): Promise<T | undefined> {
  const delay = context.faults.appendDelayMs;
  if (!(delay > 0)) return write();
  let timedOut = false;
  const timeout = setTimeout(() => {
    timedOut = true;
    onTimeout();
  }, context.settings.writeTimeoutMs);
  const elapsed = await new Promise<boolean>((resolve) => {
    const timer = Number.isFinite(delay) ? setTimeout(() => resolve(true), delay) : undefined;
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(false);
    });
    if (signal.aborted) resolve(false);
  });
  clearTimeout(timeout);
  if (!elapsed) return undefined;
  const result = write();
  return timedOut ? undefined : result;
}
