import { Inject, Injectable, Logger } from '@nestjs/common';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId, ConversationEvent } from '../../domain/conversation/conversation.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { RelayContent } from '../customer-message/customer-message.handler';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { RecordedEvent } from '../ports/event-store.port';
import { TelegramApiError } from '../ports/telegram.port';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';
import { fitTelegramText, texts } from './texts';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';

type Received = Extract<ConversationEvent, { type: 'CustomerMessageReceived' }>['data'];
type Started = Extract<ConversationEvent, { type: 'CustomerStarted' }>['data'];

/**
 * C1/C2: relays each recorded customer message to its master through the MasterBot, and greets
 * customers who /start. The outcome (relayed message id, or the failure) is recorded on the
 * conversation, and a message whose outcome is already recorded is never relayed again.
 */
@Injectable()
export class RelayReactor implements Reactor {
  readonly name = 'relay';
  readonly handles = new Set(['CustomerMessageReceived', 'CustomerStarted']);
  private readonly logger = new Logger('Relay');

  constructor(
    private readonly aggregates: AggregateStore,
    private readonly bots: BotApis,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  key(event: RecordedEvent): string {
    return `master:${String(event.data.masterId)}`;
  }

  async react(event: RecordedEvent): Promise<void> {
    if (event.type === 'CustomerStarted') return this.greet(event.data as unknown as Started, event.position);
    const data = event.data as unknown as Received;
    const stream = conversationStreamId(data.botId, data.customerId);
    const { state } = await this.aggregates.load(stream, conversationDecider);
    if (state.relayOutcomes.has(data.messageId)) return;

    const origin = { causationId: event.id, correlationId: event.metadata.correlationId, occurredAt: new Date().toISOString() };
    const base = { botId: data.botId, customerId: data.customerId, masterId: data.masterId, messageId: data.messageId };
    const content = this.vault.open<RelayContent>(data.content);
    if (!content) {
      await this.aggregates.handle(stream, conversationDecider, { type: 'RecordRelayFailure', ...base, reason: 'content_erased' }, origin);
      return;
    }
    const bot = await this.directory.get(data.botId, event.position);
    try {
      const sent = await this.bots.master().sendText(data.masterId, fitTelegramText(`${header(content, bot?.username)}\n\n${content.text}`), {
        buttons: [[{ text: '✍ Reply', callbackData: 'reply' }]],
      });
      await this.aggregates.handle(stream, conversationDecider, { type: 'RecordRelay', ...base, relayedMessageId: sent.messageId }, origin);
    } catch (error) {
      if (!(error instanceof TelegramApiError) || error.code >= 500) throw error;
      this.logger.warn(`relay to master ${data.masterId} failed: ${error.message}`);
      const reason = error.blockedByUser ? 'master_blocked_masterbot' : `telegram_${error.code}`;
      await this.aggregates.handle(stream, conversationDecider, { type: 'RecordRelayFailure', ...base, reason }, origin);
    }
  }

  private async greet(data: Started, position: bigint): Promise<void> {
    const api = await this.bots.client(data.botId, position);
    if (!api) return;
    try {
      await api.sendText(data.customerId, texts.defaultGreeting);
    } catch (error) {
      if (!(error instanceof TelegramApiError) || error.code >= 500) throw error;
      this.logger.warn(`greeting on bot ${data.botId} failed: ${error.message}`);
    }
  }
}

/** "💬 Alice Smith (@alice) → @shop_bot": who wrote, through which bot. */
function header(content: RelayContent, botUsername: string | undefined): string {
  const { firstName, lastName, username } = content.customer;
  const name = [firstName, lastName].filter(Boolean).join(' ');
  return `💬 ${name}${username ? ` (@${username})` : ''} → ${botUsername ? `@${botUsername}` : 'your bot'}`;
}
