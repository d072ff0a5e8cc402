import { scrubText } from './redaction';

/** A bad audit query (the HTTP API answers 400 with its message; the CLI prints it). Nothing is read. */
export class AuditQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditQueryError';
  }
}

export interface AuditQuery {
  /** Only events recorded at or after this time. */
  from?: Date;
  /** Only events recorded at or before this time. */
  to?: Date;
  /** Cursor: the `next` of the previous page (a global position); exclusive. */
  after?: string;
  /** Entries per page: 1–1000, default 100. */
  limit?: number;
  /**
   * Stop after reading this many events even if the page is not full, and return a cursor to go on
   * (the HTTP API bounds the work one request may cause on a large store). Default: no bound.
   */
  maxScan?: number;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** Same rule as the CLI's `audit stream`: what stream ids this system writes, and nothing that needs escaping. */
export const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,199}$/;
const POSITION = /^\d{1,19}$/;
/** The largest global position either store can hold (SQLite's signed 64-bit rowid; EventStoreDB's are far below). */
export const MAX_POSITION = 2n ** 63n - 1n;
/** ISO 8601 date or date-time (what `toISOString` and `<input type=datetime-local>` produce). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function checkMasterId(masterId: unknown): number {
  if (typeof masterId !== 'number' || !Number.isSafeInteger(masterId) || masterId <= 0) {
    throw new AuditQueryError(`master id must be a positive integer (a Telegram user id), got ${describe(masterId)}`);
  }
  return masterId;
}

export function checkStreamId(streamId: unknown): string {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new AuditQueryError('stream id must not be empty');
  if (streamId.length > 200) throw new AuditQueryError('stream id must be at most 200 characters');
  if (!STREAM_ID.test(streamId)) {
    throw new AuditQueryError(`stream id ${describe(streamId)} has characters other than letters, digits and : _ . @ -`);
  }
  return streamId;
}

/** Validates a query and fills in the defaults. */
export function checkQuery(q: AuditQuery = {}): Required<Pick<AuditQuery, 'limit'>> & AuditQuery & { afterPosition: bigint | undefined } {
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new AuditQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${describe(limit)}`);
  }
  for (const [name, value] of [
    ['from', q.from],
    ['to', q.to],
  ] as const) {
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
      throw new AuditQueryError(`${name} must be a valid time`);
    }
  }
  if (q.from && q.to && q.from.getTime() > q.to.getTime()) throw new AuditQueryError('from must not be after to');
  if (q.after !== undefined && (!POSITION.test(q.after) || BigInt(q.after) > MAX_POSITION)) {
    throw new AuditQueryError(`after must be a cursor returned as "next" by a previous page, got ${describe(q.after)}`);
  }
  if (q.maxScan !== undefined && (!Number.isInteger(q.maxScan) || q.maxScan < 1)) {
    throw new AuditQueryError('maxScan must be a positive integer');
  }
  return { ...q, limit, afterPosition: q.after === undefined ? undefined : BigInt(q.after) };
}

/**
 * The query as it arrives over HTTP (strings, possibly repeated): parsed into an AuditQuery, or an
 * AuditQueryError naming the parameter.
 */
export function parseHttpQuery(raw: Record<string, unknown>): AuditQuery {
  const one = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new AuditQueryError(`${name} must be given once`);
    return value;
  };
  const time = (name: string): Date | undefined => {
    const value = one(name);
    if (value === undefined) return undefined;
    const date = ISO_TIME.test(value) ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime()))
      throw new AuditQueryError(`${name} must be an ISO 8601 time (e.g. 2025-01-31T12:00:00Z), got ${describe(value)}`);
    return date;
  };
  const limitText = one('limit');
  if (limitText !== undefined && !/^\d{1,7}$/.test(limitText))
    throw new AuditQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${describe(limitText)}`);
  const query: AuditQuery = {
    from: time('from'),
    to: time('to'),
    after: one('after'),
    limit: limitText === undefined ? undefined : Number(limitText),
  };
  checkQuery(query);
  return query;
}

/** A master id from a URL segment: digits only, so `12abc` or `1e3` is refused rather than half-read. */
export function parseMasterId(text: string): number {
  if (!/^\d{1,16}$/.test(text))
    throw new AuditQueryError(`master id must be a positive integer (a Telegram user id), got ${describe(text)}`);
  return checkMasterId(Number(text));
}

/** For error messages: short, and never echoing something that could be a token in full. */
function describe(value: unknown): string {
  const text = scrubText(typeof value === 'string' ? JSON.stringify(value) : String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
