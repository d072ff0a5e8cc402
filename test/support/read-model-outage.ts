import { createConnection } from 'mysql2/promise';
import { MysqlTestDb } from './mysql-test-db';

/**
 * Read-model troubles an operator meets, made real on the test MariaDB/MySQL server: the database gone
 * for a while (a server outage: every query fails, the data survives), and one projection frozen behind (its
 * checkpoint row locked by another connection, as a long rebuild or a stuck transaction would).
 */
async function onServer<T>(db: MysqlTestDb, work: (conn: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const server = new URL(db.url);
  server.pathname = '';
  const conn = await createConnection({ uri: server.toString() });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
}

const aside = (db: MysqlTestDb) => `${db.name}_aside`;

/**
 * The read-model database disappears under the running app (every query fails: unknown database). Its
 * tables are kept aside on the server, so it can come back with its data, as after a server outage.
 */
export async function readModelDatabaseGoesDown(db: MysqlTestDb): Promise<void> {
  await onServer(db, async (conn) => {
    await conn.query(`CREATE DATABASE \`${aside(db)}\``);
    await moveTables(conn, db.name, aside(db));
    await conn.query(`DROP DATABASE \`${db.name}\``);
  });
}

/** The database is back, with its data as it was when it went down. */
export async function readModelDatabaseComesBack(db: MysqlTestDb): Promise<void> {
  await onServer(db, async (conn) => {
    await conn.query(`CREATE DATABASE \`${db.name}\` CHARACTER SET utf8mb4`);
    await moveTables(conn, aside(db), db.name);
    await conn.query(`DROP DATABASE \`${aside(db)}\``);
  });
}

async function moveTables(conn: Awaited<ReturnType<typeof createConnection>>, from: string, to: string): Promise<void> {
  const [rows] = await conn.query(`SHOW TABLES FROM \`${from}\``);
  const tables = (rows as Record<string, string>[]).map((row) => Object.values(row)[0]);
  if (tables.length === 0) return;
  await conn.query(`RENAME TABLE ${tables.map((t) => `\`${from}\`.\`${t}\` TO \`${to}\`.\`${t}\``).join(', ')}`);
}

/**
 * Holds projection `name`'s checkpoint row locked (`FOR UPDATE`) from another connection: the projection's
 * next batch waits for the lock, so its read model stays behind until `release` is called.
 */
export async function projectionHeldBehind(db: MysqlTestDb, name: string): Promise<{ release: () => Promise<void> }> {
  const conn = await createConnection({ uri: db.url });
  await conn.beginTransaction();
  await conn.query('SELECT * FROM projection_checkpoints WHERE name = ? FOR UPDATE', [name]);
  return {
    release: async () => {
      await conn.rollback();
      await conn.end();
    },
  };
}
