import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** A throwaway database on the test MariaDB/MySQL server. */
export interface MysqlTestDb {
  name: string;
  /** `mysql://…/<name>`: what `DATABASE_URL` would hold. */
  url: string;
  /** Drops the database; safe to call twice. */
  drop: () => Promise<void>;
}

export const MYSQL_TEST_URL = process.env.MYSQL_TEST_URL ?? 'mysql://root@127.0.0.1:3306';

/** The server URL without credentials, for messages. */
const printable = (url: string): string => {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
};

async function admin<T>(work: (conn: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const server = new URL(MYSQL_TEST_URL);
  server.pathname = '';
  let conn: Awaited<ReturnType<typeof createConnection>>;
  try {
    conn = await createConnection({ uri: server.toString(), connectTimeout: 3000 });
  } catch (error) {
    // The MySQL path is part of CI: a missing server is a failure, never a silent skip.
    throw new Error(`MariaDB/MySQL not reachable at ${printable(MYSQL_TEST_URL)} — start it, or set MYSQL_TEST_URL (${String(error)})`);
  }
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}

/** Creates a uniquely named empty database (`fbtest_<hex>`) so suites never see each other's rows. */
export async function createMysqlTestDb(): Promise<MysqlTestDb> {
  const name = `fbtest_${randomBytes(6).toString('hex')}`;
  await admin((conn) => conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(MYSQL_TEST_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      await admin((conn) => conn.query(`DROP DATABASE IF EXISTS \`${name}\``));
      dropped = true;
    },
  };
}
