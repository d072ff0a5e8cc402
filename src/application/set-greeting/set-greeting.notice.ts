import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { setGreetingTexts } from './set-greeting.texts';

/** `BotChosen` for a greeting: the prompt. `GreetingSet`: the confirmation. */
export const setGreetingNotice: MasterNotice<MasterUserEventOf<'BotChosen' | 'GreetingSet'>> = {
  handles: ['BotChosen', 'GreetingSet'],
  render: async (event, { say }) => {
    if (event.type === 'GreetingSet') await say(setGreetingTexts.greetingSet(event.data.username));
    else if (event.data.purpose === 'greeting') await say(setGreetingTexts.askForGreeting(event.data.username));
  },
};
