import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ClientBotRow } from './client-bots/client-bot.entity';
import { MasterUserRow } from './master-users/master-user.entity';
import { MessageRefRow } from './message-refs/message-ref.entity';
import { MediaCacheRow } from './media-cache/media-cache.entity';
import { MediaCache1732190000001 } from './migrations/1732190000001-media-cache';
import { InitialReadModels1732190000000 } from './migrations/1732190000000-initial-read-models';
import { BotStatusAndBans1732190000002 } from './migrations/1732190000002-bot-status-and-bans';
import { BannedCustomerRow } from './banned-customers/banned-customer.entity';
import { ProjectionCheckpoint } from '../processing/projection-checkpoint.entity';
import { CustomerRow } from './customers/customer.entity';
import { Customers1732190000003 } from './migrations/1732190000003-customers';
import { MasterReminderSettingRow, ScheduledJobRow } from './scheduled-jobs/scheduled-job.entity';
import { ScheduledJobs1732190000004 } from './migrations/1732190000004-scheduled-jobs';
import { ReactorFinished1764300000000 } from './migrations/1764300000000-reactor-finished';

export const READ_MODEL_ENTITIES = [
  ProjectionCheckpoint,
  MasterUserRow,
  ClientBotRow,
  MessageRefRow,
  BannedCustomerRow,
  MediaCacheRow,
  ScheduledJobRow,
  MasterReminderSettingRow,
  CustomerRow,
];
export const READ_MODEL_MIGRATIONS = [
  InitialReadModels1732190000000,
  MediaCache1732190000001,
  BotStatusAndBans1732190000002,
  Customers1732190000003,
  ScheduledJobs1732190000004,
  ReactorFinished1764300000000,
];

/**
 * MySQL when DATABASE_URL is set, otherwise an embedded SQLite file in DATA_DIR. The schema comes only
 * from migrations (`synchronize` stays off), run at start.
 */
export function createReadModelDataSource(options: { databaseUrl: string | null; dataDir: string }): DataSource {
  const common = { entities: READ_MODEL_ENTITIES, migrations: READ_MODEL_MIGRATIONS, synchronize: false, logging: false } as const;
  if (options.databaseUrl) {
    return new DataSource({
      ...common,
      type: 'mysql',
      url: options.databaseUrl,
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4',
    });
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
