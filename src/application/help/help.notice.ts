import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { helpTexts } from './help.texts';

/** `HelpShown` (decided by the MasterUser decider's `Help`): the help text, in the MasterBot chat. */
export const helpNotice: MasterNotice<MasterUserEventOf<'HelpShown'>> = {
  handles: ['HelpShown'],
  render: async (_event, { say }) => {
    await say(helpTexts.help);
  },
};
