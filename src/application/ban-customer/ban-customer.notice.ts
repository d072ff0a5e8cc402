import { ConversationEventOf } from '../../domain/conversation/conversation.events';
import { MasterNotice } from '../shared/master-notice';
import { banCustomerTexts } from './ban-customer.texts';
import { bannedName } from '../customer-message/conversation-reads';

/** `CustomerBanned` / `CustomerUnbanned`: the confirmation, naming the customer (sealed in the ban). */
export const banCustomerNotice: MasterNotice<ConversationEventOf<'CustomerBanned' | 'CustomerUnbanned'>> = {
  handles: ['CustomerBanned', 'CustomerUnbanned'],
  render: async (recorded, { say, bots, directory, aggregates, vault }) => {
    const { botId } = recorded.data;
    const bot = await directory.get(botId);
    const username = bot?.username ?? String(botId);
    const name = await bannedName(aggregates, vault, recorded);
    // M14: a ban from the owner's own chat with the client bot is confirmed there, by the bot.
    if (recorded.type === 'CustomerBanned' && recorded.data.inOwnChat) {
      const client = await bots.client(botId, recorded.position);
      const { threadId } = recorded.data.inOwnChat;
      await client?.sendText(recorded.data.masterId, banCustomerTexts.banned(name, username), threadId !== undefined ? { threadId } : {});
      return;
    }
    await say(recorded.type === 'CustomerBanned' ? banCustomerTexts.banned(name, username) : banCustomerTexts.unbanned(name, username));
  },
};
