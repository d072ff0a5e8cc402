import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { ClientBotHealthReactor } from './application/client-bot-health/client-bot-health';
import { BroadcastReactor } from './application/broadcast/broadcast.reactor';
import { CustomerReactionReactor } from './application/mirror-reactions/customer-reaction.reactor';
import { Clock } from './application/ports/clock.port';
import { ForgetErasedKeysReactor } from './application/privacy/forget-erased-keys.reactor';
import { CustomerNoticesReactor } from './application/reactors/customer-notices.reactor';
import { DeliveryReactor } from './application/reactors/delivery.reactor';
import { MasterNotifierReactor } from './application/reactors/master-notifier.reactor';
import { Reactor, REACTORS } from './application/reactors/reactor';
import { RelayReactor } from './application/reactors/relay.reactor';
import { ReminderReactor } from './application/reminders/reminder.reactor';
import { QrCodeReactor } from './application/show-qr-code/qr-code.reactor';
import { CheckoutAnswerReactor, SubscriptionReactor } from './application/subscription/subscription.reactor';
import { TeamGroupReactor } from './application/team-group/team-group.reactor';
import { AppConfig } from './infrastructure/config/app-config';
import { LifecycleService } from './infrastructure/lifecycle.service';
import { OBSERVABILITY_CONTROLLERS, observabilityProviders } from './infrastructure/observability/observability.providers';
import { Scheduler } from './infrastructure/scheduling/scheduler';
import { AuditModule } from './modules/audit.module';
import { BillingModule } from './modules/billing.module';
import { BroadcastModule } from './modules/broadcast.module';
import { CoreModule } from './modules/core.module';
import { InboxModule } from './modules/inbox.module';
import { MasterBotModule } from './modules/master-bot.module';
import { PrivacyModule } from './modules/privacy.module';
import { ProjectionsModule } from './modules/projections.module';
import { RelayModule } from './modules/relay.module';
import { TelegramIntakeModule } from './modules/telegram-intake.module';

// The CLI, the erasure and the tests open the event store the way the app does.
export { openEventStore } from './modules/core.module';

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

/**
 * The composition root: one module per context (see src/modules and "Code layout" in docs/architecture.md),
 * and here what runs the app as a whole — every context's reactors, the scheduler, the lifecycle
 * (start, intake, graceful stop), health and metrics.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        // Terminus logs nothing itself: the health controller logs each change of readiness once.
        TerminusModule.forRoot({ logger: false }),
        CoreModule.forRoot(config, options),
        ProjectionsModule,
        TelegramIntakeModule,
        MasterBotModule,
        RelayModule,
        InboxModule,
        BroadcastModule,
        BillingModule,
        PrivacyModule,
        AuditModule.forRoot(config.auditToken),
      ],
      controllers: OBSERVABILITY_CONTROLLERS,
      providers: [
        { provide: REACTORS, useFactory: (...reactors: Reactor[]) => reactors, inject: REACTOR_CLASSES },
        Scheduler,
        LifecycleService,
        ...observabilityProviders(config),
      ],
    };
  }
}
