import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { BotApi, isTelegramRefusal } from '../ports/telegram.port';
import { MasterNotice } from '../shared/master-notice';
import { inboxTexts } from './inbox.texts';

/**
 * M14: what the master sees of `/inbox` and of the owner writing to their own bot: the offer with its buttons and
 * the confirmation, each where it was asked (the MasterBot chat, or the owner's chat with the client bot, said by
 * that bot). A bot that becomes its own inbox says so in the owner's chat; if it may not write there (the owner
 * never pressed Start in it), the MasterBot says what to do.
 */
export const inboxNotice: MasterNotice<MasterUserEventOf<'InboxModeOffered' | 'InboxModeChosen'>> = {
  handles: ['InboxModeOffered', 'InboxModeChosen'],
  render: async (event, { master, bots, warn }) => {
    const { masterId, botId, username, mode, askedIn } = event.data;
    const client = await bots.client(botId, event.position);
    const where: BotApi | null = askedIn === 'master_bot' ? master : client;
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
      warn(`bot ${botId} cannot write to its owner yet: ${error.message}`);
      await master.sendText(masterId, inboxTexts.startTheBot(username));
    });
  },
};
