import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { EventStore } from '../application/ports/event-store.port';
import { openEventStore } from '../app.module';
import { loadStorageConfig, StorageConfig } from '../infrastructure/config/app-config';
import { openReadModels } from '../projections/read-model.datasource';
import { CliUsageError } from './cli-errors';

/**
 * The stores a CLI command works on, opened on first use (so `--help` needs no settings) and closed when
 * the command ends. The same settings as the app (EVENTSTORE_URL or DATA_DIR, DATABASE_URL), validated the
 * same way: the CLI may run beside the running app, on the same stores.
 */
@Injectable()
export class CliResources implements OnModuleDestroy {
  private config?: StorageConfig;
  private store?: Promise<EventStore>;
  private readModels?: Promise<DataSource>;

  settings(): StorageConfig {
    this.config ??= loadStorageConfig();
    return this.config;
  }

  eventStore(): Promise<EventStore> {
    const settings = this.settings();
    if (!settings.eventStoreUrl) this.mustExist(join(settings.dataDir, 'events.sqlite'), 'EVENTSTORE_URL');
    this.store ??= openEventStore(settings);
    return this.store;
  }

  /** The read-model database, migrated to the current schema (as the app does at start). */
  readModelDatabase(): Promise<DataSource> {
    const settings = this.settings();
    if (!settings.databaseUrl) this.mustExist(join(settings.dataDir, 'read-models.sqlite'), 'DATABASE_URL');
    this.readModels ??= openReadModels(settings);
    return this.readModels;
  }

  /**
   * An embedded store that is not there means DATA_DIR points somewhere else than the app's: opening it
   * would create an empty store, and every check on it would pass. Refuse instead.
   */
  private mustExist(file: string, alternative: string): void {
    if (!existsSync(file)) {
      throw new CliUsageError(
        `no ${basename(file)} in ${dirname(file)}: set DATA_DIR to the app's data directory (or ${alternative} to the server it uses)`,
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([this.store?.then((s) => s.close()), this.readModels?.then((d) => d.destroy())]);
  }
}
