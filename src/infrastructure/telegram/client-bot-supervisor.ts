import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_SETTINGS, AppSettings } from '../../application/ports/app-settings.port';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../application/ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../../application/ports/read-models.port';
import { ClientBotHealth } from '../../application/client-bot-health/client-bot-health';
import { BotApis } from '../../application/reactors/client-bot-apis';
import { BotApi } from '../../application/ports/telegram.port';
import { ProjectionsService } from '../../projections/projections.service';
import { EventPump } from '../../processing/event-pump';
import { PumpSubscription } from '../../processing/pump-subscription';
import { forEachBounded, STARTUP_CONCURRENCY } from './bounded';
import { describeTelegramFailure, isTokenRejected } from './telegram-failure';
import { UpdatePoller } from './update-poller';
import { UpdateRouter } from './update-router';

/**
 * Polling mode only: keeps one long-polling loop per attached client bot — those attached at start,
 * then following ClientBotAttached / ClientBotDetached live.
 */
@Injectable()
export class ClientBotSupervisor {
  private readonly logger = new Logger('ClientBots');
  private readonly pollers = new Map<number, UpdatePoller>();
  private subscription?: PumpSubscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    private readonly projections: ProjectionsService,
    private readonly bots: BotApis,
    private readonly router: UpdateRouter,
    private readonly health: ClientBotHealth,
  ) {}

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    await this.projections.catchUp('client_bots', 30_000);
    // Bounded parallel: each start is a deleteWebhook call; 1,000 bots one by one took minutes. The listed
    // record's token is used as listed: looking each bot up again folded its master's whole history per bot.
    const bots = (await this.directory.listAttached()).filter((bot) => !bot.broken);
    await forEachBounded(bots, STARTUP_CONCURRENCY, (bot) =>
      this.startPolling(bot.botId, async () => this.bots.clientOf(bot)).catch((error: unknown) =>
        this.logger.error(`client bot ${bot.botId}: polling not started: ${String(error)}`),
      ),
    );
    this.subscription = EventPump.of(this.store)
      .subscribe((events) => this.follow(events), { after: head })
      .start();
    this.logger.log(`polling ${this.pollers.size} client bot(s)`);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await Promise.all([...this.pollers.values()].map((p) => p.stop()));
    this.pollers.clear();
  }

  private async follow(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const botId = Number(event.data.botId);
      if (event.type === 'ClientBotAttached') {
        // A re-attach (a broken bot's new token) replaces the poller that used the old one.
        await this.stopPolling(botId);
        await this.startPolling(botId, () => this.bots.client(botId, event.position));
      }
      if (event.type === 'ClientBotDetached' || event.type === 'ClientBotBroken') await this.stopPolling(botId);
    }
  }

  private async stopPolling(botId: number): Promise<void> {
    await this.pollers.get(botId)?.stop();
    this.pollers.delete(botId);
  }

  private async startPolling(botId: number, apiOf: () => Promise<BotApi | null>): Promise<void> {
    if (this.pollers.has(botId)) return;
    const api = await apiOf();
    if (!api) return;
    // A bot that had a webhook (attached while PUBLIC_URL was set) refuses getUpdates (409) until it is
    // deleted. If deleting fails now, the poller deletes it again when Telegram answers 409.
    try {
      await api.deleteWebhook();
    } catch (error) {
      if (isTokenRejected(error)) return this.reportRevoked(botId);
      this.logger.warn(`client bot ${botId}: deleteWebhook failed (${describeTelegramFailure(error)}); the poller will retry`);
    }
    if (this.pollers.has(botId)) return;
    const poller = new UpdatePoller(
      `client-${botId}`,
      api,
      (u) => this.router.record({ kind: 'client', botId }, u),
      this.settings.pollingTimeoutSeconds,
      () => {
        this.pollers.delete(botId);
        void this.reportRevoked(botId);
      },
    );
    this.pollers.set(botId, poller.start());
  }

  private async reportRevoked(botId: number): Promise<void> {
    await this.health
      .reportTokenRevoked(botId, `polling:${Date.now()}`)
      .catch((error: unknown) => this.logger.error(`could not mark bot ${botId} broken: ${String(error)}`));
  }
}
