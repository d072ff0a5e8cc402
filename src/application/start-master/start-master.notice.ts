import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { startMasterTexts } from './start-master.texts';

/** `MasterRegistered` (the first /start) and `WelcomeShown` (every later one): the welcome. */
export const startMasterNotice: MasterNotice<MasterUserEventOf<'MasterRegistered' | 'WelcomeShown'>> = {
  handles: ['MasterRegistered', 'WelcomeShown'],
  render: async (_event, { say }) => {
    await say(startMasterTexts.welcome);
  },
};
