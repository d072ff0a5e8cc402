import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { join } from 'node:path';
import { BotTokenVerifier } from './application/add-client-bot/bot-token-verifier';
import { RequestAddBotHandler } from './application/add-client-bot/request-add-bot.handler';
import { CancelHandler } from './application/cancel/cancel.handler';
import { AggregateStore } from './application/command-handling/aggregate-store';
import {
  CustomerBlockedBotHandler,
  CustomerStartHandler,
  EditCustomerMessageHandler,
  ReceiveCustomerMessageHandler,
} from './application/customer-message/customer-message.handler';
import { BanCustomerHandler, UnbanCustomerHandler } from './application/ban-customer/ban-customer.handler';
import { ClientBotHealth, ClientBotHealthReactor } from './application/client-bot-health/client-bot-health';
import { ConfigureRemindersHandler } from './application/configure-reminders/configure-reminders.handler';
import { HelpHandler } from './application/help/help.handler';
import { ListBannedHandler } from './application/list-banned/list-banned.handler';
import { ListBotsHandler } from './application/list-bots/list-bots.handler';
import { PickBotHandler } from './application/pick-bot/pick-bot.handler';
import { CustomerNoticesReactor } from './application/reactors/customer-notices.reactor';
import { RequestGreetingHandler } from './application/set-greeting/set-greeting.handler';
import { QrCodeReactor } from './application/show-qr-code/qr-code.reactor';
import { ShowQrCodeHandler } from './application/show-qr-code/show-qr-code.handler';
import { RequestBroadcastHandler } from './application/start-broadcast/start-broadcast.handler';
import {
  AnswerCheckoutHandler,
  RecordPaymentHandler,
  SubscribeHandler,
  UnsubscribeHandler,
} from './application/subscription/subscription.handlers';
import { BannedCustomersQuery } from './projections/banned-customers/banned-customers.query';
import { ContentSender } from './application/media/content-sender';
import { MEDIA_CACHE } from './application/media/media-cache.port';
import { MediaCacheQuery } from './projections/media-cache/media-cache.query';
import { MasterMessageHandler } from './application/master-message/master-message.handler';
import { APP_SETTINGS, AppSettings } from './application/ports/app-settings.port';
import { CONTENT_VAULT, TOKEN_CIPHER } from './application/ports/crypto.port';
import { EVENT_STORE, EventStore } from './application/ports/event-store.port';
import { BANNED_CUSTOMERS, BOT_DIRECTORY, OWN_CHAT_COPIES, REPLY_TARGETS } from './application/ports/read-models.port';
import { TELEGRAM } from './application/ports/telegram.port';
import { BotApis } from './application/reactors/client-bot-apis';
import { DeliveryReactor } from './application/reactors/delivery.reactor';
import { EditAnswerHandler, EditAnswerInTopicHandler } from './application/edit-answer/edit-answer.handler';
import { DeleteAnswerHandler, DeleteAnswerInTopicHandler } from './application/delete-answer/delete-answer.handler';
import { AgentReactionHandler, CustomerReactionHandler, MasterReactionHandler } from './application/mirror-reactions/reaction.handlers';
import { CustomerReactionReactor } from './application/mirror-reactions/customer-reaction.reactor';
import { MasterNotifierReactor } from './application/reactors/master-notifier.reactor';
import { Reactor, REACTORS } from './application/reactors/reactor';
import { RelayReactor } from './application/reactors/relay.reactor';
import { RemoveClientBotHandler } from './application/remove-client-bot/remove-client-bot.handler';
import { ReplyComposer } from './application/reply-to-customer/reply-composer';
import { RelayedCopyTargets } from './application/shared/relayed-copy-targets';
import { ReplyToCustomerHandler, StartRespondingHandler } from './application/reply-to-customer/reply-to-customer.handler';
import { AnswerInTopicHandler } from './application/team-group/answer-in-topic.handler';
import { ConfirmTeamGroupHandler } from './application/team-group/confirm-team-group.handler';
import { TeamGroupRelay } from './application/team-group/team-group-relay';
import { OwnChatRelay } from './application/own-chat/own-chat-relay';
import { OwnerMessages } from './application/own-chat/owner-messages';
import { INBOX_HANDLERS } from './application/own-chat/inbox.handlers';
import { ConnectTeamGroupHandler } from './application/team-group/connect-team-group.handler';
import { ManageTopicHandler } from './application/team-group/manage-topic.handler';
import { GroupMigratedHandler, TeamGroupAccessHandler, TeamGroupHelpHandler } from './application/team-group/team-group-access.handler';
import { TeamGroupReactor } from './application/team-group/team-group.reactor';
import { StartMasterHandler } from './application/start-master/start-master.handler';
import { UnknownCommandHandler } from './application/unknown-command/unknown-command.handler';
import { AppConfig } from './infrastructure/config/app-config';
import { loadMasterKey } from './infrastructure/crypto/master-key';
import { SqliteContentVault } from './infrastructure/crypto/sqlite-content-vault';
import { REACTOR_ATTEMPTS, ReactorAttemptsFile } from './processing/reactor-attempts.store';
import { AesTokenCipher } from './infrastructure/crypto/token-cipher';
import { SqliteEventStore } from './infrastructure/event-store/sqlite.event-store';
import { checkNamespace } from './infrastructure/event-store/namespace-marker';
import { TerminusModule } from '@nestjs/terminus';
import { AppMetrics } from './infrastructure/observability/app-metrics';
import { MeteredEventStore } from './infrastructure/observability/metered-event-store';
import { OBSERVABILITY_CONTROLLERS, observabilityProviders } from './infrastructure/observability/observability.providers';
import { AUDIT_CONTROLLERS, auditProviders } from './audit/audit.http';
import { DataSource } from 'typeorm';
import { LifecycleService } from './infrastructure/lifecycle.service';
import { LEASE_KEEPER } from './infrastructure/replicas/leased-processors';
import { runsAsReplica } from './infrastructure/startup/preflight';
import { LEASE_TIMINGS, LeaseKeeper, replicaId } from './processing/leases/lease-keeper';
import { ProcessorLeaseStore } from './processing/leases/processor-lease.store';
import { ClientBotSupervisor } from './infrastructure/telegram/client-bot-supervisor';
import { ClientBotWebhooks } from './infrastructure/telegram/client-bot-webhooks';
import { TelegrafGateway } from './infrastructure/telegram/telegraf-gateway';
import { telegramPacing } from './infrastructure/telegram/outbound-pacing';
import { UpdateRouter } from './infrastructure/telegram/update-router';
import { TelegramWebhookController } from './infrastructure/telegram/webhook.controller';
import { WebhookAdmission } from './infrastructure/telegram/webhook-admission';
import { WebhookGate } from './infrastructure/telegram/webhook-gate';
import { BotDirectoryQuery } from './projections/client-bots/bot-directory.query';
import { ReplyTargetQuery } from './projections/message-refs/reply-target.query';
import { HistoryBotDirectory } from './projections/history-index/history-bot-directory';
import { HistoryTail } from './projections/history-index/history-tail';
import { ReplyTargetIndex } from './projections/history-index/reply-target-index';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from './projections/projections.service';
import { openReadModels } from './projections/read-model.datasource';
import { CheckoutAnswerReactor, SubscriptionReactor } from './application/subscription/subscription.reactor';
import { ReminderReactor } from './application/reminders/reminder.reactor';
import { CLOCK, systemClock } from './application/ports/clock.port';
import { Scheduler } from './infrastructure/scheduling/scheduler';
import { BroadcastReactor } from './application/broadcast/broadcast.reactor';
import { ForgetErasedKeysReactor } from './application/privacy/forget-erased-keys.reactor';
import { BROADCAST_RECIPIENTS } from './application/broadcast/broadcast-recipients.port';
import { BroadcastRecipientsQuery } from './projections/customers/broadcast-recipients.query';

const MASTER_KEY = Symbol('MASTER_KEY');

/** Side effects driven by the event history; each runs from its own checkpoint (see ReactorRunner). */
const REACTOR_CLASSES = [
  RelayReactor,
  DeliveryReactor,
  MasterNotifierReactor,
  CustomerNoticesReactor,
  QrCodeReactor,
  ClientBotHealthReactor,
  CheckoutAnswerReactor,
  SubscriptionReactor,
  ReminderReactor,
  BroadcastReactor,
  ForgetErasedKeysReactor,
  CustomerReactionReactor,
  TeamGroupReactor,
];

const COMMAND_HANDLERS = [
  StartMasterHandler,
  RequestAddBotHandler,
  MasterMessageHandler,
  RemoveClientBotHandler,
  CancelHandler,
  UnknownCommandHandler,
  ReplyToCustomerHandler,
  StartRespondingHandler,
  EditAnswerHandler,
  EditAnswerInTopicHandler,
  DeleteAnswerHandler,
  DeleteAnswerInTopicHandler,
  MasterReactionHandler,
  CustomerReactionHandler,
  AgentReactionHandler,
  ReceiveCustomerMessageHandler,
  EditCustomerMessageHandler,
  CustomerStartHandler,
  CustomerBlockedBotHandler,
  HelpHandler,
  ListBotsHandler,
  ListBannedHandler,
  ShowQrCodeHandler,
  RequestGreetingHandler,
  RequestBroadcastHandler,
  PickBotHandler,
  ConfigureRemindersHandler,
  BanCustomerHandler,
  UnbanCustomerHandler,
  SubscribeHandler,
  UnsubscribeHandler,
  AnswerCheckoutHandler,
  RecordPaymentHandler,
  ConnectTeamGroupHandler,
  AnswerInTopicHandler,
  ConfirmTeamGroupHandler,
  ManageTopicHandler,
  TeamGroupAccessHandler,
  GroupMigratedHandler,
  TeamGroupHelpHandler,
  ...INBOX_HANDLERS,
];

/** Event store: EventStoreDB when EVENTSTORE_URL is set, the embedded SQLite file otherwise. */
export async function openEventStore(
  config: Pick<AppConfig, 'eventStoreUrl' | 'dataDir'> & Partial<Pick<AppConfig, 'eventStoreReadTimeoutMs' | 'eventStoreStreamPrefix'>>,
): Promise<EventStore> {
  // Loaded only when used: the EventStoreDB client (gRPC, protobuf) is ~4 MB of heap an embedded app never needs.
  if (config.eventStoreUrl) {
    // The CLI and the erasure must open the namespace of the app whose DATA_DIR they use: refused otherwise.
    checkNamespace(config.dataDir, config.eventStoreStreamPrefix ?? null);
    const { EsdbEventStore } = await import('./infrastructure/event-store/esdb.event-store');
    return EsdbEventStore.connect(config.eventStoreUrl, {
      readTimeoutMs: config.eventStoreReadTimeoutMs,
      streamPrefix: config.eventStoreStreamPrefix ?? undefined,
    });
  }
  return new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
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
    return {
      module: AppModule,
      // Terminus logs nothing itself: the health controller logs each change of readiness once.
      imports: [CqrsModule.forRoot(), TerminusModule.forRoot({ logger: false })],
      controllers: [TelegramWebhookController, ...OBSERVABILITY_CONTROLLERS, ...AUDIT_CONTROLLERS],
      providers: [
        { provide: APP_SETTINGS, useValue: settings },
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
        AggregateStore,
        ProjectionsService,
        BotDirectoryQuery,
        ReplyTargetQuery,
        // Intake and replies look bots and reply targets up in the event history, not the read models.
        HistoryTail,
        HistoryBotDirectory,
        ReplyTargetIndex,
        { provide: BOT_DIRECTORY, useExisting: HistoryBotDirectory },
        { provide: REPLY_TARGETS, useExisting: ReplyTargetIndex },
        { provide: OWN_CHAT_COPIES, useExisting: ReplyTargetIndex },
        RelayedCopyTargets,
        ContentSender,
        TeamGroupRelay,
        OwnChatRelay,
        OwnerMessages,
        MediaCacheQuery,
        { provide: MEDIA_CACHE, useExisting: MediaCacheQuery },
        BannedCustomersQuery,
        { provide: BANNED_CUSTOMERS, useExisting: BannedCustomersQuery },
        { provide: BROADCAST_RECIPIENTS, useClass: BroadcastRecipientsQuery },
        ClientBotHealth,
        BotTokenVerifier,
        ReplyComposer,
        BotApis,
        ...REACTOR_CLASSES,
        { provide: REACTORS, useFactory: (...reactors: Reactor[]) => reactors, inject: REACTOR_CLASSES },
        UpdateRouter,
        WebhookAdmission,
        WebhookGate,
        ClientBotSupervisor,
        ClientBotWebhooks,
        { provide: CLOCK, useValue: systemClock },
        Scheduler,
        {
          provide: LEASE_KEEPER,
          useFactory: (dataSource: DataSource) =>
            runsAsReplica(config) ? new LeaseKeeper(new ProcessorLeaseStore(dataSource, LEASE_TIMINGS.ttlMs), replicaId()) : null,
          inject: [READ_MODEL_DATA_SOURCE],
        },
        LifecycleService,
        ...auditProviders(config.auditToken),
        ...observabilityProviders(config),
        ...COMMAND_HANDLERS,
      ],
    };
  }
}
