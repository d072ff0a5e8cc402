import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientBotHealth } from '../../application/client-bot-health/client-bot-health';
import { APP_SETTINGS, AppSettings } from '../../application/ports/app-settings.port';
import { TOKEN_CIPHER, TokenCipher } from '../../application/ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord } from '../../application/ports/read-models.port';
import { BotApis } from '../../application/reactors/client-bot-apis';
import { ProjectionsService } from '../../projections/projections.service';
import { forEachBounded, STARTUP_CONCURRENCY } from './bounded';
import { describeTelegramFailure, isTokenRejected } from './telegram-failure';
import { backoffMs } from '../backoff';

/** Longest wait between two attempts to register one bot's webhook. */
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Webhook mode only: at start, points every attached client bot's webhook at PUBLIC_URL — again for
 * each, because the bot may have been polled until now (attached while PUBLIC_URL was unset) or
 * PUBLIC_URL may have moved; setWebhook with the same URL is a no-op at Telegram. Bots attached
 * later get theirs when attached (BotTokenVerifier). A revoked token marks its bot broken (the master
 * is told); any other failure is retried with back-off in the background, so one bot never holds up
 * the others or the start.
 */
@Injectable()
export class ClientBotWebhooks {
  private readonly logger = new Logger('ClientBots');
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    @Inject(TOKEN_CIPHER) private readonly cipher: TokenCipher,
    private readonly projections: ProjectionsService,
    private readonly bots: BotApis,
    private readonly health: ClientBotHealth,
  ) {}

  async registerAll(): Promise<void> {
    this.stopped = false;
    await this.projections.catchUp('client_bots', 30_000);
    const bots = (await this.directory.listAttached()).filter((bot) => !bot.broken);
    let registered = 0;
    // The listed record as listed: looking each bot up again folded its master's whole history per bot.
    await forEachBounded(bots, STARTUP_CONCURRENCY, async (bot) => {
      if (await this.register(bot.botId, 0, bot)) registered += 1;
    });
    this.logger.log(`webhooks registered for ${registered} of ${bots.length} client bot(s)`);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  /**
   * Resolves false when the bot is gone, broken, or its registration was left to a retry. Never throws.
   * `listed`: the bot as start-up just listed it; a retry looks it up afresh (it may be detached by then).
   */
  private async register(botId: number, failures: number, listed?: ClientBotRecord): Promise<boolean> {
    if (this.stopped) return false;
    try {
      const bot = listed ?? (await this.directory.get(botId));
      if (!bot || bot.status !== 'attached' || bot.broken) return false;
      const api = this.bots.clientOf(bot);
      await api.setWebhook(`${this.settings.publicUrl}/telegram/client/${botId}`, this.cipher.webhookSecret(String(botId)));
      return true;
    } catch (error) {
      if (isTokenRejected(error)) {
        await this.health
          .reportTokenRevoked(botId, `webhook:${Date.now()}`)
          .catch((e: unknown) => this.logger.error(`could not mark client bot ${botId} broken: ${String(e)}`));
        return false;
      }
      if (this.stopped) return false; // the call failed because (or while) the app stops: no retry after stop()
      const delay = backoffMs(failures, 1000, MAX_RETRY_DELAY_MS);
      this.logger.warn(`client bot ${botId}: setWebhook failed (${describeTelegramFailure(error)}); retrying in ${delay} ms`);
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.register(botId, failures + 1);
      }, delay);
      timer.unref();
      this.retries.add(timer);
      return false;
    }
  }
}
