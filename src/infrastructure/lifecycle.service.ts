import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_SETTINGS, AppSettings } from '../application/ports/app-settings.port';
import { CONTENT_VAULT, TOKEN_CIPHER, TokenCipher } from '../application/ports/crypto.port';
import { EVENT_STORE, EventStore } from '../application/ports/event-store.port';
import { BotApis } from '../application/reactors/client-bot-apis';
import { TelegramApiError } from '../application/ports/telegram.port';
import { MASTER_COMMANDS } from '../application/help/master-commands';
import { Reactor, REACTORS } from '../application/reactors/reactor';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections/projections.service';
import { SqliteContentVault } from './crypto/sqlite-content-vault';
import { REACTOR_ATTEMPTS, ReactorAttemptsFile } from '../processing/reactor-attempts.store';
import { AggregateStore } from '../application/command-handling/aggregate-store';
import { AggregateSnapshots } from '../application/command-handling/aggregate-snapshots';
import { ReactorRunner } from './reactors/reactor-runner';
import { Scheduler } from './scheduling/scheduler';
import { INSTANCE_LOCKS, Preflight } from './startup/preflight';
import { retryTelegram } from './startup/retry-telegram';
import { StartupError } from './startup/startup-error';
import { ClientBotSupervisor } from './telegram/client-bot-supervisor';
import { ClientBotWebhooks } from './telegram/client-bot-webhooks';
import { describeTelegramFailure } from './telegram/telegram-failure';
import { UpdatePoller } from './telegram/update-poller';
import { UpdateRouter } from './telegram/update-router';
import { LeaseKeeper } from '../processing/leases/lease-keeper';
import { ConsumerProgress } from '../processing/consumer-progress';
import { EventPump } from '../processing/event-pump';
import { IntakeFirst } from '../processing/intake-first';
import { INTAKE_LEASE, LEASE_KEEPER, LeasedReactor, leasedProjection, leasedService, SCHEDULER_LEASE } from './replicas/leased-processors';

/**
 * Start order: projections (so queries work), reactors (so recorded work is done), then — once the
 * HTTP port is bound — Telegram intake: the webhooks, or the MasterBot's and client bots' pollers.
 * Stop in reverse.
 *
 * With replicas (EventStoreDB + MySQL: a LeaseKeeper is provided), each projection, each reactor, the
 * scheduler and Telegram intake (pollers, client bots' webhook registration) run only on the replica
 * holding their lease; every replica records webhooks and answers queries and the audit API.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  /** Aborted when the app starts stopping: start-up stops waiting for Telegram. */
  private readonly stopping = new AbortController();
  /** Public for readiness and the lag metrics (each runner's `progress`). */
  readonly reactors: { readonly progress: ConsumerProgress }[];
  private readonly runners: ReactorRunner[] = [];
  private masterPoller?: UpdatePoller;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    @Inject(CONTENT_VAULT) private readonly vault: SqliteContentVault,
    private readonly projections: ProjectionsService,
    private readonly supervisor: ClientBotSupervisor,
    private readonly router: UpdateRouter,
    private readonly bots: BotApis,
    @Inject(REACTORS) reactors: Reactor[],
    @Inject(REACTOR_ATTEMPTS) private readonly attempts: ReactorAttemptsFile,
    private readonly scheduler: Scheduler,
    private readonly webhooks: ClientBotWebhooks,
    private readonly aggregates: AggregateStore,
    @Inject(AggregateSnapshots) private readonly snapshots: AggregateSnapshots | null,
    @Optional() @Inject(INSTANCE_LOCKS) private readonly locks?: Pick<Preflight, 'release'>,
    @Optional() @Inject(LEASE_KEEPER) private readonly leases?: LeaseKeeper | null,
    @Optional() private readonly intake?: IntakeFirst,
  ) {
    // Projections and reactions give way to a busy webhook intake (recording first under a burst).
    EventPump.of(store).yieldTo(intake);
    if (leases) {
      const leased = reactors.map((r) => new LeasedReactor(r, store, dataSource, leases, attempts));
      for (const runner of projections.runners.values()) leases.add(leasedProjection(runner, leases));
      for (const reactor of leased) leases.add(reactor);
      leases.add(
        leasedService(
          SCHEDULER_LEASE,
          () => Promise.resolve(scheduler.start()),
          () => scheduler.stop(),
        ),
      );
      this.reactors = leased;
    } else {
      this.runners = reactors.map((r) => new ReactorRunner(r, store, dataSource, { attempts }));
      this.reactors = this.runners;
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.leases) return this.leases.start(); // takes what no live replica holds; the rest stays with its owner
    await this.projections.start();
    for (const reactor of this.runners) await reactor.start();
    this.scheduler.start(); // after the reactors: what a due job records is acted on at once
  }

  /**
   * Telegram intake, called by startApp only once the HTTP port is bound: a start that fails (port in
   * use) never took an update from Telegram. Every attached client bot is reconciled with the mode,
   * whatever mode it was attached in.
   */
  async startIntake(): Promise<void> {
    const master = this.bots.master();
    await master.setCommands([...MASTER_COMMANDS]).catch((error: unknown) => this.logger.warn(`setMyCommands: ${String(error)}`));
    if (this.settings.publicUrl) {
      const url = `${this.settings.publicUrl}/telegram/master`;
      const setWebhook = () => master.setWebhook(url, this.cipher.webhookSecret('master'));
      await retryTelegram('setWebhook (MasterBot)', setWebhook, { signal: this.stopping.signal }).catch((error: unknown) => {
        if (!(error instanceof TelegramApiError) || error.code !== 400) throw error;
        throw new StartupError(
          'PUBLIC_URL',
          `Telegram refuses ${url} as a webhook (${error.description}): use a public HTTPS URL (port 443, 80, 88 or 8443)`,
        );
      });
      if (!this.leases) await this.webhooks.registerAll();
      else {
        this.leases.add(
          leasedService(
            INTAKE_LEASE,
            () => this.webhooks.registerAll(),
            () => this.stopIntake(),
          ),
        );
        await this.leases.refresh();
      }
    } else if (this.leases) {
      await master
        .deleteWebhook()
        .catch((error: unknown) => this.logger.warn(`deleteWebhook (MasterBot): ${describeTelegramFailure(error)}`));
      this.leases.add(
        leasedService(
          INTAKE_LEASE,
          () => this.startPolling(),
          () => this.stopIntake(),
        ),
      );
      await this.leases.refresh();
    } else {
      // If this fails, the poller deletes the webhook when Telegram answers its getUpdates with 409.
      await master
        .deleteWebhook()
        .catch((error: unknown) => this.logger.warn(`deleteWebhook (MasterBot): ${describeTelegramFailure(error)}`));
      await this.startPolling();
    }
  }

  /** The MasterBot's and every client bot's pollers: one replica polls (Telegram allows one getUpdates per bot). */
  private async startPolling(): Promise<void> {
    const record = (update: unknown) => this.router.record({ kind: 'master' }, update);
    this.masterPoller = new UpdatePoller('master', this.bots.master(), record, this.settings.pollingTimeoutSeconds).start();
    await this.supervisor.start();
  }

  private async stopIntake(): Promise<void> {
    this.webhooks.stop();
    await this.masterPoller?.stop();
    this.masterPoller = undefined;
    await this.supervisor.stop();
  }

  /** Before any provider stops (Nest calls this first): a start still waiting for Telegram gives up. */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.leases) {
      await this.leases.stop(); // stops what runs here and gives its leases up: other replicas take them at once
    } else {
      await this.scheduler.stop();
      await this.stopIntake();
      this.intake?.releaseAll(); // nothing waits on a burst that is no longer answered
      await Promise.all(this.runners.map((reactor) => reactor.stop())); // each waits a grace for its hung calls: together
      await this.projections.stop();
    }
    // Intake and processors stopped: long streams' folds are saved, so the next start reads only what comes after them.
    const saved = await this.aggregates.saveSnapshots().catch((error: unknown) => {
      this.logger.warn(`snapshots not saved: ${String(error)}`);
      return 0;
    });
    if (saved > 0) this.logger.log(`saved the folds of ${saved} long stream(s) as snapshots`);
    this.snapshots?.close();
    await this.store.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.vault.close();
    this.attempts.close();
    await this.locks?.release(); // last: another instance may start on this data only once all is closed
  }
}
