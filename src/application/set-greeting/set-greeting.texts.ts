import { GREETING_MAX_LENGTH } from '../../domain/master-user/master-user.commands';

/** What /greeting says (M9): the prompt once a bot is chosen, and the confirmation. */
export const setGreetingTexts = {
  askForGreeting: (username: string) =>
    `Send the greeting customers of @${username} get when they press Start (text, up to ${GREETING_MAX_LENGTH} characters). /cancel to stop.`,
  greetingSet: (username: string) => `✅ Customers of @${username} now get your greeting on /start.`,
};
