import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { startBroadcastTexts } from './start-broadcast.texts';

/** `BotChosen` for a broadcast: the prompt for the message. */
export const startBroadcastNotice: MasterNotice<MasterUserEventOf<'BotChosen'>> = {
  handles: ['BotChosen'],
  render: async ({ data: { purpose, username } }, { say }) => {
    if (purpose === 'broadcast') await say(startBroadcastTexts.askForBroadcast(username));
  },
};
