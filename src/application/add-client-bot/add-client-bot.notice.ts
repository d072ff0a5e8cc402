import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { CLIENT_BOT_COMMANDS } from '../help/master-commands';
import { deleteQuietly, MasterNotice } from '../shared/master-notice';
import { addClientBotTexts } from './add-client-bot.texts';

/**
 * `StateChanged` to `AwaitingBotToken`: the prompt for the token. `ClientBotAttached`: the message that carried the
 * token is deleted, the master told, the bot's menu set. `ClientBotBroken` (its token revoked): how to reconnect it.
 */
export const addClientBotNotice: MasterNotice<MasterUserEventOf<'StateChanged' | 'ClientBotAttached' | 'ClientBotBroken'>> = {
  handles: ['StateChanged', 'ClientBotAttached', 'ClientBotBroken'],
  render: async (event, { say, master, bots, warn }) => {
    switch (event.type) {
      case 'StateChanged':
        if (event.data.to === 'AwaitingBotToken') await say(addClientBotTexts.askForToken);
        return;
      case 'ClientBotAttached':
        await deleteQuietly(master, event.data.masterId, event.data.tokenMessageId);
        await say(addClientBotTexts.attached(event.data.username));
        // The token this very event attached: looking the bot up folded its master's whole history, once
        // per attach (1,000 bots attached while the app was down: a million event decodes at its start).
        await bots
          .clientOf(event.data)
          .setCommands(CLIENT_BOT_COMMANDS)
          .catch((error: unknown) => warn(`setMyCommands for ${event.data.botId}: ${String(error)}`));
        return;
      case 'ClientBotBroken':
        await say(addClientBotTexts.broken(event.data.username));
        return;
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
