import { Injectable, Logger } from '@nestjs/common';
import { MasterUserEvent } from '../../domain/master-user/master-user.events';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, TelegramApiError } from '../ports/telegram.port';
import { BotApis } from './client-bot-apis';
import { Reactor } from './reactor';
import { texts } from './texts';

/** A notice about something older than this is no longer useful (e.g. after a long outage): skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * Everything the MasterBot says in answer to the master, rendered from the master's events: welcome,
 * prompts, confirmations, refusals. Also deletes the message that carried a bot token, and
 * unregisters a detached bot's webhook.
 *
 * WARNING: notices are at-least-once with no recorded outcome: a crash mid-batch may repeat one.
 */
@Injectable()
export class MasterNotifierReactor implements Reactor {
  readonly name = 'master-notifier';
  readonly handles = new Set([
    'MasterRegistered',
    'WelcomeShown',
    'StateChanged',
    'ClientBotAttached',
    'ClientBotDetached',
    'RemovalOptionsOffered',
    'CommandRejected',
    'ReplyDeliveryFailed',
  ]);
  private readonly logger = new Logger('MasterNotifier');

  constructor(private readonly bots: BotApis) {}

  key(event: RecordedEvent): string {
    return `master:${String(event.data.masterId)}`;
  }

  async react(recorded: RecordedEvent): Promise<void> {
    if (Date.now() - recorded.recordedAt.getTime() > STALE_AFTER_MS) return;
    const master = this.bots.master();
    try {
      await this.notify(recorded, master);
    } catch (error) {
      // The master blocked the MasterBot, or a message to delete is already gone: nothing to retry.
      if (!(error instanceof TelegramApiError) || error.code >= 500) throw error;
      this.logger.warn(`${recorded.type} for master ${String(recorded.data.masterId)}: ${error.message}`);
    }
  }

  private async notify(recorded: RecordedEvent, master: BotApi): Promise<void> {
    if (recorded.type === 'ReplyDeliveryFailed') {
      const { masterId, reason } = recorded.data as { masterId: number; reason: string };
      await master.sendText(masterId, texts.deliveryFailed(reason));
      return;
    }
    const event = recorded as unknown as MasterUserEvent;
    const say = (text: string, buttons?: { text: string; callbackData: string }[][]) => master.sendText(event.data.masterId, text, { buttons });
    switch (event.type) {
      case 'MasterRegistered':
      case 'WelcomeShown':
        await say(texts.welcome);
        return;
      case 'StateChanged':
        if (event.data.to === 'AwaitingBotToken') await say(texts.askForToken);
        else if (event.data.to === 'Responding') await say(texts.respondingPrompt);
        else if (event.data.trigger === '/cancel') await say(texts.cancelled);
        return;
      case 'ClientBotAttached':
        await this.deleteQuietly(master, event.data.masterId, event.data.tokenMessageId);
        await say(texts.attached(event.data.username));
        return;
      case 'ClientBotDetached': {
        const client = await this.bots.client(event.data.botId, recorded.position);
        await client?.deleteWebhook().catch((error: unknown) => this.logger.warn(`deleteWebhook for ${event.data.botId}: ${String(error)}`));
        await say(texts.detached(event.data.username));
        return;
      }
      case 'RemovalOptionsOffered':
        await say(
          texts.chooseBotToRemove,
          event.data.bots.map((b) => [{ text: `@${b.username}`, callbackData: `remove:${b.botId}` }]),
        );
        return;
      case 'CommandRejected':
        if (event.data.deleteMessage && event.data.messageId) await this.deleteQuietly(master, event.data.masterId, event.data.messageId);
        await say(texts.rejected[event.data.reason]);
        return;
      default:
        return;
    }
  }

  private async deleteQuietly(master: BotApi, chatId: number, messageId: number): Promise<void> {
    await master.deleteMessage(chatId, messageId).catch((error: unknown) => {
      if (!(error instanceof TelegramApiError) || error.code >= 500) throw error;
    });
  }
}
