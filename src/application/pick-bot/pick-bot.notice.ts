import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { MasterNotice } from '../shared/master-notice';
import { pickBotTexts } from './pick-bot.texts';

/**
 * `BotPickerOffered`: one button per bot (`pick:<purpose>:<bot>`, answered by PickBot). What follows the pick
 * (`BotChosen`) is said by the slice of its purpose (set-greeting, start-broadcast).
 */
export const pickBotNotice: MasterNotice<MasterUserEventOf<'BotPickerOffered'>> = {
  handles: ['BotPickerOffered'],
  render: async ({ data: { purpose, bots } }, { say }) => {
    await say(
      pickBotTexts.chooseBot(purpose),
      bots.map((b) => [{ text: `@${b.username}`, callbackData: `pick:${purpose}:${b.botId}` }]),
    );
  },
};
