import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { ClientBotHealth } from '../client-bot-health/client-bot-health';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { isSettledFailure, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';
import { texts } from './texts';

type Handled = ConversationEventOf<'CustomerStarted' | 'CustomerThrottled'>;

/** A greeting for a /start older than this is pointless (the customer has moved on). */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * What a client bot itself says to a customer: the master's greeting on /start (C1, M9) and the one
 * anti-flood notice (C5). A 401 on the client bot marks it broken.
 *
 * WARNING: at-least-once with no recorded outcome: a crash while a greeting is in flight (attempt recorded,
 * finish not) greets again, unmarked.
 */
@Injectable()
export class CustomerNoticesReactor implements Reactor<Handled> {
  readonly name = 'customer-notices';
  readonly handles: TypesOf<Handled> = ['CustomerStarted', 'CustomerThrottled'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('CustomerNotices');

  constructor(
    private readonly bots: BotApis,
    private readonly health: ClientBotHealth,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  key(event: RecordedEvent<Handled>): string {
    return `chat:${event.data.botId}:${event.data.customerId}`;
  }

  async react(event: RecordedEvent<Handled>): Promise<void> {
    if (Date.now() - event.recordedAt.getTime() > STALE_AFTER_MS) return;
    const { botId, customerId } = event.data;
    const api = await this.bots.client(botId, event.position);
    if (!api) return;
    try {
      await api.sendText(customerId, event.type === 'CustomerThrottled' ? texts.throttled : await this.greeting(botId));
    } catch (error) {
      if (!isSettledFailure(error)) throw error;
      if (error instanceof TelegramApiError && error.tokenRevoked) await this.health.reportTokenRevoked(botId, event.id);
      this.logger.warn(`${event.type} on bot ${botId}: ${error.message}`);
    }
  }

  private async greeting(botId: number): Promise<string> {
    const sealed = (await this.directory.get(botId))?.greeting;
    return (sealed && this.vault.open<{ text: string }>(sealed)?.text) || texts.defaultGreeting;
  }
}
