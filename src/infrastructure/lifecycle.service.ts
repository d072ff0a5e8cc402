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

/**
 * Start order: projections (so queries work), reactors (so recorded work is done), then — once the
 * HTTP port is bound — Telegram intake: the webhooks, or the MasterBot's and client bots' pollers.
 * Stop in reverse.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
  /** Aborted when the app starts stopping: start-up stops waiting for Telegram. */
  private readonly stopping = new AbortController();
  /** Public for readiness and the lag metrics (each runner's `progress`). */
  readonly reactors: ReactorRunner[];
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
    @Optional() @Inject(INSTANCE_LOCKS) private readonly locks?: Pick<Preflight, 'release'>,
  ) {
    this.reactors = reactors.map((r) => new ReactorRunner(r, store, dataSource, { attempts }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    for (const reactor of this.reactors) await reactor.start();
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
      await this.webhooks.registerAll();
    } else {
      // If this fails, the poller deletes the webhook when Telegram answers its getUpdates with 409.
      await master
        .deleteWebhook()
        .catch((error: unknown) => this.logger.warn(`deleteWebhook (MasterBot): ${describeTelegramFailure(error)}`));
      const record = (update: unknown) => this.router.record({ kind: 'master' }, update);
      this.masterPoller = new UpdatePoller('master', master, record, this.settings.pollingTimeoutSeconds).start();
      await this.supervisor.start();
    }
  }

  /** Before any provider stops (Nest calls this first): a start still waiting for Telegram gives up. */
  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
    this.webhooks.stop();
    await this.masterPoller?.stop();
    await this.supervisor.stop();
    await Promise.all(this.reactors.map((reactor) => reactor.stop())); // each waits a grace for its hung calls: together
    await this.projections.stop();
    await this.store.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.vault.close();
    this.attempts.close();
    await this.locks?.release(); // last: another instance may start on this data only once all is closed
  }
}
