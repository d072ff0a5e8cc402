import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Connection, createConnection, RowDataPacket } from 'mysql2/promise';
import { errorCode, StartupError } from './startup-error';

/** How often the lock's connection is used, so the server's wait_timeout never closes it (and drops the lock). */
const KEEPALIVE_MS = 60_000;
const RECONNECT_MS = 15_000;

/** `db@host:port` from a DATABASE_URL: what a message may show (never the user's password). */
export function describeDatabaseUrl(url: string): string {
  const u = new URL(url);
  return `${decodeURIComponent(u.pathname.replace(/^\//, '')) || '(no database)'}@${u.hostname}:${u.port || '3306'}`;
}

/**
 * One app process per MySQL read-model database: a second one (with another DATA_DIR, so the file
 * lock cannot see it) would move the projections' shared checkpoints past its own events. The process
 * holds `GET_LOCK('feedbackbots:<database>', 0)` on a connection of its own for its whole life; the
 * server releases it when that connection ends, so a killed process never blocks its restart. Opening
 * that connection first is also the start-up check that the database exists and can be reached.
 */
export class ReadModelDatabaseLock {
  private readonly logger = new Logger('InstanceLock');
  private keepalive?: NodeJS.Timeout;
  private released = false;
  /** One reconnection at a time: the connection's `error` and a failed keepalive both report the same loss. */
  private reconnecting = false;

  private constructor(
    private connection: Connection,
    private readonly url: string,
  ) {
    this.watch();
  }

  static async acquire(url: string): Promise<ReadModelDatabaseLock> {
    const connection = await connect(url);
    if (!(await takeLock(connection, url))) {
      await connection.end().catch(() => undefined);
      throw new StartupError(
        'DATABASE_URL',
        `another FeedbackBots process already uses the read-model database ${describeDatabaseUrl(url)}; stop it first, or give this one its own database — several processes on one read-model database need EventStoreDB events too (EVENTSTORE_URL: replicas)`,
      );
    }
    return new ReadModelDatabaseLock(connection, url);
  }

  /**
   * Replicas (EventStoreDB + MySQL) share the database and take no lock: leases order them (see
   * processing/leases). This is their start-up check that it exists and can be reached, and that no
   * single-instance process (which would run every processor outside the leases) holds it.
   */
  static async checkForReplicas(url: string): Promise<void> {
    const connection = await connect(url);
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [lockName(url)]);
      if (rows[0]?.holder != null)
        throw new StartupError(
          'DATABASE_URL',
          `a single-instance FeedbackBots process (events in SQLite) already uses the read-model database ${describeDatabaseUrl(url)}; stop it first — replicas need EVENTSTORE_URL and DATABASE_URL on every one`,
        );
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.keepalive);
    await this.connection.end().catch(() => undefined);
  }

  private watch(): void {
    const connection = this.connection;
    // Only the current connection's death counts: a replaced one's late error is old news.
    const lost = (): void => {
      if (connection === this.connection) this.lost();
    };
    connection.on('error', lost);
    this.keepalive = setInterval(() => void connection.query('SELECT 1').catch(lost), KEEPALIVE_MS).unref();
  }

  /** The connection died (server restart): the lock went with it, so it is taken again on a new one. */
  private lost(): void {
    if (this.released || this.reconnecting) return;
    this.reconnecting = true;
    clearInterval(this.keepalive);
    this.connection.destroy();
    this.logger.warn(`lost the instance lock on ${describeDatabaseUrl(this.url)} (connection closed); taking it again`);
    const retry = setTimeout(() => {
      void (async () => {
        if (this.released) return;
        try {
          const connection = await connect(this.url);
          if (await takeLock(connection, this.url)) {
            this.connection = connection;
            this.reconnecting = false;
            this.watch();
            return;
          }
          await connection.end();
          this.logger.error(`another process took the instance lock on ${describeDatabaseUrl(this.url)}: two instances now share it`);
        } catch (error) {
          this.logger.warn(`instance lock not taken again yet: ${errorCode(error) ?? String(error)}`);
        }
        this.reconnecting = false;
        this.lost();
      })();
    }, RECONNECT_MS);
    retry.unref();
  }
}

/** A lock name per database: GET_LOCK names are server-wide and at most 64 characters. */
function lockName(url: string): string {
  const name = `feedbackbots:${decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))}`;
  return name.length <= 64 ? name : `feedbackbots:${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

async function takeLock(connection: Connection, url: string): Promise<boolean> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [lockName(url)]);
  return Number(rows[0]?.got) === 1;
}

async function connect(url: string): Promise<Connection> {
  try {
    return await createConnection({ uri: url, connectTimeout: 10_000 });
  } catch (error) {
    throw explainConnectFailure(error, url);
  }
}

function explainConnectFailure(error: unknown, url: string): StartupError {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const server = `${u.hostname}:${u.port || '3306'}`;
  const code = errorCode(error) ?? 'unknown error';
  switch (code) {
    case 'ER_BAD_DB_ERROR':
      return new StartupError(
        'DATABASE_URL',
        `the read-model database "${database}" does not exist on ${server}: create it (CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4;) or fix the database name in DATABASE_URL`,
      );
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return new StartupError(
        'DATABASE_URL',
        `the database server ${server} refused user "${decodeURIComponent(u.username)}" for "${database}" (${code}): fix the user or password in DATABASE_URL, or GRANT it access`,
      );
    default:
      return new StartupError(
        'DATABASE_URL',
        `the read-model database server ${server} is unreachable (${code}): start it, or fix the host and port in DATABASE_URL`,
      );
  }
}
