import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { cancelTexts } from './cancel.texts';

/** `StateChanged` by /cancel back to rest: the confirmation (the prompts of the other states are their slices'). */
export const cancelNotice: MasterNotice<MasterUserEventOf<'StateChanged'>> = {
  handles: ['StateChanged'],
  render: async ({ data: { to, trigger } }, { say }) => {
    if (to !== 'AwaitingBotToken' && to !== 'Responding' && trigger === '/cancel') await say(cancelTexts.cancelled);
  },
};
