import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which EventStoreDB namespace (`EVENTSTORE_STREAM_PREFIX`) the installation of a DATA_DIR uses, kept in
 * `DATA_DIR/eventstore-namespace` (the prefix, or an empty file for none).
 *
 * Why: a process opened on the right server but the wrong namespace sees an empty or foreign history and
 * says nothing — `privacy erase` then "erases" no conversation, `audit verify` checks someone else's
 * chain, and an app whose prefix was changed would project a new, empty history over read models and
 * checkpoints built from the old one. The app records its namespace at its first start on EventStoreDB
 * and is refused a different one later; every other opener (the CLI, the erasure) is refused a namespace
 * other than the one recorded in its DATA_DIR. A DATA_DIR without the file (the embedded store, an app
 * never started there) is not checked.
 */
const MARKER = 'eventstore-namespace';

/** Thrown when the namespace asked for is not the one this DATA_DIR's installation uses. */
export class NamespaceMismatchError extends Error {
  /** The problem without the variable's name (a StartupError adds it). */
  readonly problem: string;

  constructor(
    readonly recorded: string,
    readonly asked: string,
    dataDir: string,
  ) {
    const problem =
      `is ${describe(asked)}, but the installation of DATA_DIR ${dataDir} uses ${describe(recorded)} (${join(dataDir, MARKER)}): ` +
      'set the same prefix. To move an app to another namespace for good, start it on a new DATA_DIR and read-model ' +
      'database (its history stays under the old prefix).';
    super(`EVENTSTORE_STREAM_PREFIX ${problem}`);
    this.problem = problem;
    this.name = 'NamespaceMismatchError';
  }
}

/** The namespace recorded in `dataDir`, or `undefined` when none is. */
export function recordedNamespace(dataDir: string): string | undefined {
  const file = join(dataDir, MARKER);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** @throws NamespaceMismatchError when `dataDir` records another namespace than `prefix` (`null`: none). */
export function checkNamespace(dataDir: string, prefix: string | null): void {
  const recorded = recordedNamespace(dataDir);
  if (recorded !== undefined && recorded !== (prefix ?? '')) throw new NamespaceMismatchError(recorded, prefix ?? '', dataDir);
}

/** The app's start: checks like `checkNamespace`, then records `prefix` if nothing is recorded yet. */
export function recordNamespace(dataDir: string, prefix: string | null): void {
  checkNamespace(dataDir, prefix);
  if (recordedNamespace(dataDir) === undefined) writeFileSync(join(dataDir, MARKER), `${prefix ?? ''}\n`);
}

function describe(prefix: string): string {
  return prefix === '' ? 'unset (no namespace)' : `"${prefix}"`;
}
