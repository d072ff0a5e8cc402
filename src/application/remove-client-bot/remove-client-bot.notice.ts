import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { removeClientBotTexts } from './remove-client-bot.texts';

/** `ClientBotDetached`: the bot's webhook is unregistered (its updates stop), then the master is told. */
export const removeClientBotNotice: MasterNotice<MasterUserEventOf<'ClientBotDetached'>> = {
  handles: ['ClientBotDetached'],
  render: async (event, { say, bots, warn }) => {
    const client = await bots.client(event.data.botId, event.position);
    await client?.deleteWebhook().catch((error: unknown) => warn(`deleteWebhook for ${event.data.botId}: ${String(error)}`));
    await say(removeClientBotTexts.detached(event.data.username));
  },
};
