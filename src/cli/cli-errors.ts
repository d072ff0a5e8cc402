/** Exit codes the CLI promises (documented in the README): scripts and CI jobs branch on them. */
export const EXIT = {
  ok: 0,
  /** The check ran and found a problem (a broken hash chain, an anchor that no longer matches). */
  failed: 1,
  /** The command was not understood: a bad argument, option or setting. Nothing was changed. */
  usage: 2,
  /** Something else went wrong (a store unreachable, a bug): the check did not run, so it neither passed nor failed. */
  error: 3,
  /** Stopped by Ctrl-C; work done so far is kept and a re-run resumes. */
  interrupted: 130,
} as const;

/** Bad input at the edge: reported as one clear line, exit code 2, and nothing is changed. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export function positiveId(name: string, raw: unknown): number {
  const text = typeof raw === 'string' ? raw.trim() : raw === undefined ? '' : JSON.stringify(raw);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) <= 0) {
    throw new CliUsageError(
      `${name} must be a positive whole number (a Telegram id), got ${text === '' ? 'nothing' : JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

export function optionalDate(name: string, raw: unknown): Date | undefined {
  if (raw === undefined) return undefined;
  const text = (typeof raw === 'string' ? raw : JSON.stringify(raw)).trim();
  const date = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw new CliUsageError(`${name} must be an ISO date or time (e.g. 2026-11-21 or 2026-11-21T09:30:00Z), got ${JSON.stringify(text)}`);
  return date;
}

export function oneOf<T extends string>(name: string, raw: unknown, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new CliUsageError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/**
 * What a command group (`audit`, `projections`, `privacy`) does when run by itself: its help. Commander hands an
 * unknown sub-command to the group as an argument, so a typo would otherwise print help and exit 0 as if it worked.
 */
export function runCommandGroup(group: { name(): string; help(): never }, params: string[]): void {
  if (params.length > 0) throw new CliUsageError(`unknown command '${params[0]}' for '${group.name()}' (see --help)`);
  group.help();
}
