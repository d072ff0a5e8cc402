import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ClientBotRow } from './client-bots/client-bot.entity';
import { MasterUserRow } from './master-users/master-user.entity';
import { MessageRefRow } from './message-refs/message-ref.entity';
import { InitialReadModels1732190000000 } from './migrations/1732190000000-initial-read-models';
import { ProjectionCheckpoint } from './runner/projection-checkpoint.entity';

export const READ_MODEL_ENTITIES = [ProjectionCheckpoint, MasterUserRow, ClientBotRow, MessageRefRow];
export const READ_MODEL_MIGRATIONS = [InitialReadModels1732190000000];

/**
 * MySQL when DATABASE_URL is set, otherwise an embedded SQLite file in DATA_DIR. The schema comes only
 * from migrations (`synchronize` stays off), run at start.
 */
export function createReadModelDataSource(options: { databaseUrl: string | null; dataDir: string }): DataSource {
  const common = { entities: READ_MODEL_ENTITIES, migrations: READ_MODEL_MIGRATIONS, synchronize: false, logging: false } as const;
  if (options.databaseUrl) {
    return new DataSource({ ...common, type: 'mysql', url: options.databaseUrl, supportBigNumbers: true, bigNumberStrings: true, charset: 'utf8mb4' });
  }
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: join(options.dataDir, 'read-models.sqlite'),
    prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  });
}

export async function openReadModels(options: { databaseUrl: string | null; dataDir: string }): Promise<DataSource> {
  const dataSource = createReadModelDataSource(options);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
