import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { ConversationEventOf, conversationStreamId } from '../../domain/conversation/conversation.events';
import { MasterNotice } from '../shared/master-notice';
import { banCustomerTexts } from './ban-customer.texts';
import { banBefore } from '../customer-message/conversation-reads';

/** `CustomerBanned` / `CustomerUnbanned`: the confirmation, naming the customer (sealed in the ban). */
export const banCustomerNotice: MasterNotice<ConversationEventOf<'CustomerBanned' | 'CustomerUnbanned'>> = {
  handles: ['CustomerBanned', 'CustomerUnbanned'],
  render: async (recorded, { say, bots, directory, aggregates, vault }) => {
    const { botId, customerId } = recorded.data;
    const bot = await directory.get(botId);
    const username = bot?.username ?? String(botId);
    // An unban carries no name: it is the one sealed in the ban before it.
    const stream = conversationStreamId(botId, customerId);
    const ban =
      recorded.type === 'CustomerBanned'
        ? recorded.data
        : (await banBefore(aggregates, stream, await aggregates.current(stream, conversationDecider), recorded.revision))?.data;
    const name = (ban ? vault.open<{ name: string }>(ban.name)?.name : undefined) ?? 'The customer';
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
