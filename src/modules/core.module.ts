import { DynamicModule, Logger, Module } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IntakeFirst } from '../processing/intake-first';
import { AggregateStore } from '../application/command-handling/aggregate-store';
import { AGGREGATE_CACHE_EVENTS } from '../application/command-handling/aggregate-cache';
import { AggregateSnapshots } from '../application/command-handling/aggregate-snapshots';
import { ClientBotHealth, ClientBotHealthReactor } from '../application/client-bot-health/client-bot-health';
import { APP_SETTINGS, AppSettings } from '../application/ports/app-settings.port';
import { Clock, CLOCK, systemClock } from '../application/ports/clock.port';
import { CONTENT_VAULT, TOKEN_CIPHER } from '../application/ports/crypto.port';
import { EVENT_STORE, EventStore } from '../application/ports/event-store.port';
import { TELEGRAM } from '../application/ports/telegram.port';
import { ContentSender } from '../application/media/content-sender';
import { BotApis } from '../application/reactors/client-bot-apis';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';
import { checkNamespace } from '../infrastructure/event-store/namespace-marker';
import { AppConfig } from '../infrastructure/config/app-config';
import { loadMasterKey } from '../infrastructure/crypto/master-key';
import { SqliteContentVault } from '../infrastructure/crypto/sqlite-content-vault';
import { SqliteSnapshotStore } from '../infrastructure/sqlite/sqlite-snapshot-store';
import { AesTokenCipher } from '../infrastructure/crypto/token-cipher';
import { AppMetrics } from '../infrastructure/observability/app-metrics';
import { MeteredEventStore } from '../infrastructure/observability/metered-event-store';
import { LEASE_KEEPER } from '../infrastructure/replicas/leased-processors';
import { runsAsReplica } from '../infrastructure/startup/preflight';
import { TelegrafGateway } from '../infrastructure/telegram/telegraf-gateway';
import { telegramPacing } from '../infrastructure/telegram/outbound-pacing';
import { LEASE_TIMINGS, LeaseKeeper, replicaId } from '../processing/leases/lease-keeper';
import { ProcessorLeaseStore } from '../processing/leases/processor-lease.store';
import { REACTOR_ATTEMPTS, ReactorAttemptsFile } from '../processing/reactor-attempts.store';
import { READ_MODEL_DATA_SOURCE } from '../projections/projections.service';
import { openReadModels } from '../projections/read-model.datasource';

const MASTER_KEY = Symbol('MASTER_KEY');

/** Event store: EventStoreDB when EVENTSTORE_URL is set, the embedded SQLite file otherwise. */
export async function openEventStore(
  config: Pick<AppConfig, 'eventStoreUrl' | 'dataDir'> & Partial<Pick<AppConfig, 'eventStoreReadTimeoutMs' | 'eventStoreStreamPrefix'>>,
): Promise<EventStore> {
  // Loaded only when used: the EventStoreDB client (gRPC, protobuf) is ~4 MB of heap an embedded app never needs.
  if (config.eventStoreUrl) {
    // The CLI and the erasure must open the namespace of the app whose DATA_DIR they use: refused otherwise.
    checkNamespace(config.dataDir, config.eventStoreStreamPrefix ?? null);
    const { EsdbEventStore } = await import('../infrastructure/event-store/esdb.event-store');
    return EsdbEventStore.connect(config.eventStoreUrl, {
      readTimeoutMs: config.eventStoreReadTimeoutMs,
      streamPrefix: config.eventStoreStreamPrefix ?? undefined,
    });
  }
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
}

/**
 * Snapshots of long streams' folds (DATA_DIR/snapshots.sqlite), or none: with AGGREGATE_SNAPSHOT_EVENTS=0, or when
 * the file cannot be opened (a cache: the app then reads long streams whole, and says so).
 */
function openSnapshots(config: Pick<AppConfig, 'dataDir' | 'aggregateSnapshotEvents'>): AggregateSnapshots | null {
  if (config.aggregateSnapshotEvents === 0) return null;
  const file = join(config.dataDir, 'snapshots.sqlite');
  try {
    return new AggregateSnapshots(new SqliteSnapshotStore(file), config.aggregateSnapshotEvents);
  } catch (error) {
    new Logger('AggregateSnapshots').warn(`${file} cannot be opened (${(error as Error).message}): long streams are read whole`);
    return null;
  }
}

/**
 * The core every context uses: settings, the event store, the read-model database, keys and ciphers,
 * the Telegram gateway, each client bot's API and the content sender (media, albums, long texts), the aggregate store, the clock, metrics and the
 * replica lease. Global, so a context module lists only its own slices.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    const settings: AppSettings = {
      masterBotId: config.masterBotToken.botId,
      masterBotToken: config.masterBotToken.reveal(),
      publicUrl: config.publicUrl,
      planLimits: config.planLimits,
      proPriceStars: config.proPriceStars,
      floodLimitPerMinute: config.floodLimitPerMinute,
      broadcastRatePerSecond: config.broadcastRatePerSecond,
      schedulerIntervalMs: config.schedulerIntervalMs,
      pollingTimeoutSeconds: config.pollingTimeoutSeconds,
    };
    const metrics = new AppMetrics();
    const exported = [
      APP_SETTINGS,
      AppMetrics,
      EVENT_STORE,
      READ_MODEL_DATA_SOURCE,
      TOKEN_CIPHER,
      CONTENT_VAULT,
      REACTOR_ATTEMPTS,
      TELEGRAM,
      CLOCK,
      LEASE_KEEPER,
      AggregateStore,
      AggregateSnapshots,
      IntakeFirst,
      BotApis,
      ContentSender,
      ClientBotHealth,
      ClientBotHealthReactor,
    ];
    return {
      module: CoreModule,
      global: true,
      providers: [
        { provide: APP_SETTINGS, useValue: settings },
        { provide: AGGREGATE_CACHE_EVENTS, useValue: config.aggregateCacheEvents },
        { provide: AggregateSnapshots, useFactory: () => openSnapshots(config) },
        { provide: AppMetrics, useValue: metrics },
        { provide: IntakeFirst, useValue: new IntakeFirst({ ...config.intakeFirst, onWait: () => metrics.intakeFirstWaits.inc() }) },
        {
          provide: EVENT_STORE,
          useFactory: async (metrics: AppMetrics) => new MeteredEventStore(await openEventStore(config), metrics),
          inject: [AppMetrics],
        },
        { provide: READ_MODEL_DATA_SOURCE, useFactory: () => openReadModels(config) },
        { provide: MASTER_KEY, useFactory: () => loadMasterKey(config.tokenEncryptionKey, config.dataDir) },
        { provide: TOKEN_CIPHER, useFactory: (key: Buffer) => new AesTokenCipher(key), inject: [MASTER_KEY] },
        {
          provide: CONTENT_VAULT,
          useFactory: (key: Buffer) => new SqliteContentVault(join(config.dataDir, 'content-keys.sqlite'), key),
          inject: [MASTER_KEY],
        },
        { provide: REACTOR_ATTEMPTS, useFactory: () => new ReactorAttemptsFile(join(config.dataDir, 'reactor-attempts.sqlite')) },
        {
          provide: TELEGRAM,
          useFactory: (metrics: AppMetrics) =>
            new TelegrafGateway(
              config.telegramApiRoot,
              (method, status) => metrics.telegramCalls.inc({ method, status }),
              config.telegramTimeoutMs,
              config.telegramPacing &&
                telegramPacing(config.telegramPacing.botMessagesPerSecond, (scope) =>
                  metrics.telegramPacedCalls.inc({ waited_for: scope }),
                ),
            ),
          inject: [AppMetrics],
        },
        // Tests move scheduled time with their own clock.
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        {
          provide: LEASE_KEEPER,
          useFactory: (dataSource: DataSource) =>
            runsAsReplica(config) ? new LeaseKeeper(new ProcessorLeaseStore(dataSource, LEASE_TIMINGS.ttlMs), replicaId()) : null,
          inject: [READ_MODEL_DATA_SOURCE],
        },
        AggregateStore,
        BotApis,
        ContentSender,
        ClientBotHealth,
        ClientBotHealthReactor,
      ],
      exports: exported,
    };
  }
}
