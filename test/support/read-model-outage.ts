import { createConnection } from 'mysql2/promise';
import { createReadModelDataSource } from '../../src/projections/read-model.datasource';
import { MysqlTestDb } from './mysql-test-db';

/**
 * Read-model troubles an operator meets, made real on the test MariaDB/MySQL server: the database gone
 * (dropped, as after an operator's mistake or a failed restore), and one projection frozen behind (its
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

/** Drops the read-model database under the running app. */
export async function readModelDatabaseGoesDown(db: MysqlTestDb): Promise<void> {
  await onServer(db, (conn) => conn.query(`DROP DATABASE \`${db.name}\``));
}

/** The operator restores it (here: empty, migrated): projections replay from the history. */
export async function readModelDatabaseComesBack(db: MysqlTestDb): Promise<void> {
  await onServer(db, (conn) => conn.query(`CREATE DATABASE IF NOT EXISTS \`${db.name}\` CHARACTER SET utf8mb4`));
  const readModels = createReadModelDataSource({ databaseUrl: db.url, dataDir: '' });
  await readModels.initialize();
  try {
    await readModels.runMigrations();
  } finally {
    await readModels.destroy();
  }
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
