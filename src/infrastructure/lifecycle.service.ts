import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_SETTINGS, AppSettings } from '../application/ports/app-settings.port';
import { CONTENT_VAULT, TOKEN_CIPHER, TokenCipher } from '../application/ports/crypto.port';
import { EVENT_STORE, EventStore } from '../application/ports/event-store.port';
import { BotApis } from '../application/reactors/client-bot-apis';
import { MASTER_COMMANDS } from '../application/help/master-commands';
import { Reactor, REACTORS } from '../application/reactors/reactor';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../projections/projections.service';
import { SqliteContentVault } from './crypto/sqlite-content-vault';
import { ReactorRunner } from './reactors/reactor-runner';
import { Scheduler } from './scheduling/scheduler';
import { ClientBotSupervisor } from './telegram/client-bot-supervisor';
import { UpdatePoller } from './telegram/update-poller';
import { UpdateRouter } from './telegram/update-router';

/**
 * Start order: projections (so queries work), reactors (so recorded work is done), then Telegram
 * intake — the MasterBot's webhook or polling loop, and the client bots' pollers. Stop in reverse.
 */
@Injectable()
export class LifecycleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');
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
    private readonly scheduler: Scheduler,
  ) {
    this.reactors = reactors.map((r) => new ReactorRunner(r, store, dataSource));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    for (const reactor of this.reactors) await reactor.start();
    this.scheduler.start(); // after the reactors: what a due job records is acted on at once
    const master = this.bots.master();
    await master.setCommands([...MASTER_COMMANDS]).catch((error: unknown) => this.logger.warn(`setMyCommands: ${String(error)}`));
    if (this.settings.publicUrl) {
      await master.setWebhook(`${this.settings.publicUrl}/telegram/master`, this.cipher.webhookSecret('master'));
      this.logger.log(`webhook mode: ${this.settings.publicUrl}/telegram/…`);
    } else {
      await master.deleteWebhook();
      const record = (update: unknown) => this.router.record({ kind: 'master' }, update);
      this.masterPoller = new UpdatePoller('master', master, record, this.settings.pollingTimeoutSeconds).start();
      await this.supervisor.start();
      this.logger.log('long-polling mode (PUBLIC_URL is not set)');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
    await this.masterPoller?.stop();
    await this.supervisor.stop();
    for (const reactor of this.reactors) await reactor.stop();
    await this.projections.stop();
    await this.store.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.vault.close();
  }
}
