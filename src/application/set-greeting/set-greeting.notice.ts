import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { setGreetingTexts } from './set-greeting.texts';

/**
 * `GreetingSet`: the confirmation. The prompt after the bot is picked (`BotChosen` for 'greeting') is still
 * the master-notifier's, as BotChosen serves every purpose; it reads `setGreetingTexts.askForGreeting`.
 */
export const setGreetingNotice: MasterNotice<MasterUserEventOf<'GreetingSet'>> = {
  handles: ['GreetingSet'],
  render: async ({ data: { username } }, { say }) => {
    await say(setGreetingTexts.greetingSet(username));
  },
};
