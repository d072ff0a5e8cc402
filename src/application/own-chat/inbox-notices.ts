import { Logger } from '@nestjs/common';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { RecordedEvent } from '../ports/event-store.port';
import { BotApi, isTelegramRefusal } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { inboxTexts } from './inbox.texts';

export type InboxNotice = MasterUserEventOf<'InboxModeOffered' | 'InboxModeChosen'>;

/**
 * M14: what the master sees of `/inbox` and of the owner writing to their own bot: the offer with its buttons and
 * the confirmation, each where it was asked (the MasterBot chat, or the owner's chat with the client bot, said by
 * that bot). A bot that becomes its own inbox says so in the owner's chat; if it may not write there (the owner
 * never pressed Start in it), the MasterBot says what to do. Part of the master-notifier (same lane, same rules).
 */
export class InboxNotices {
  private readonly logger = new Logger('InboxNotices');

  constructor(private readonly bots: BotApis) {}

  async notify(event: RecordedEvent<InboxNotice>): Promise<void> {
    const { masterId, botId, username, mode, askedIn } = event.data;
    const client = await this.bots.client(botId, event.position);
    const where: BotApi | null = askedIn === 'master_bot' ? this.bots.master() : client;
    if (!where) return;
    if (event.type === 'InboxModeOffered') {
      await where.sendText(masterId, inboxTexts.offer(username, mode, askedIn), { buttons: inboxTexts.buttons(botId) });
      return;
    }
    await where.sendText(masterId, inboxTexts.chosen(username, mode));
    if (mode !== 'bot_chat' || !client) return;
    const topics = await client
      .getMe()
      .then((me) => me.hasTopicsEnabled === true)
      .catch(() => false);
    await client.sendText(masterId, inboxTexts.hereNow(topics)).catch(async (error: unknown) => {
      if (!isTelegramRefusal(error)) throw error;
      this.logger.warn(`bot ${botId} cannot write to its owner yet: ${error.message}`);
      await this.bots.master().sendText(masterId, inboxTexts.startTheBot(username));
    });
  }

  /** A refusal of something typed in the owner's chat with the bot: said there, by the bot. */
  async sayInBotChat(botId: number, masterId: number, text: string, position: bigint): Promise<void> {
    const client = await this.bots.client(botId, position);
    await client?.sendText(masterId, text);
  }
}
