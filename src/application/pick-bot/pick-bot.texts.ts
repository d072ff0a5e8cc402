import { BotPurpose } from '../../domain/master-user/master-user.events';

const PURPOSE_QUESTION: Record<BotPurpose, string> = {
  remove: 'Which bot should I detach?',
  qr: 'Which bot’s QR code do you want?',
  greeting: 'Which bot’s greeting do you want to set?',
  broadcast: 'Whose customers should get the broadcast?',
  inbox: 'Which bot’s inbox do you want to see or change?',
};

/** The picker's question, when a command needs a bot and the master has several. */
export const pickBotTexts = {
  chooseBot: (purpose: BotPurpose) => PURPOSE_QUESTION[purpose],
};
