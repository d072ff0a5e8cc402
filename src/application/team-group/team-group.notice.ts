import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { teamGroupButton } from './team-group.commands';
import { teamGroupTexts } from './team-group.texts';

/**
 * M12, linking a team group: `TeamGroupLinkRequested` asks the master to confirm (buttons answered by
 * ConfirmTeamGroup), `TeamGroupLinkDeclined` and `TeamGroupLinked` confirm; a linked group hears it too.
 * Refusals of `/connect` are CommandRejected (refusals slice).
 */
export const teamGroupNotice: MasterNotice<MasterUserEventOf<'TeamGroupLinkRequested' | 'TeamGroupLinkDeclined' | 'TeamGroupLinked'>> = {
  handles: ['TeamGroupLinkRequested', 'TeamGroupLinkDeclined', 'TeamGroupLinked'],
  render: async (event, { say, bots, directory, warn }) => {
    switch (event.type) {
      case 'TeamGroupLinkRequested': {
        const { botId, chatId, username } = event.data;
        await say(teamGroupTexts.confirmLink(username), [
          [
            { text: teamGroupTexts.confirmButton, callbackData: teamGroupButton(botId, chatId, true) },
            { text: teamGroupTexts.declineButton, callbackData: teamGroupButton(botId, chatId, false) },
          ],
        ]);
        return;
      }
      case 'TeamGroupLinkDeclined': {
        const bot = await directory.get(event.data.botId);
        await say(teamGroupTexts.declined(bot?.username ?? String(event.data.botId)));
        return;
      }
      case 'TeamGroupLinked': {
        const { botId, chatId, username } = event.data;
        await say(teamGroupTexts.linkedToMaster(username));
        // The agents hear it in the group itself, from the bot that will post there.
        const client = await bots.client(botId, event.position);
        await client
          ?.sendText(chatId, teamGroupTexts.linkedInGroup(username))
          .catch((error: unknown) => warn(`team group notice for ${botId}: ${String(error)}`));
        return;
      }
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  },
};
