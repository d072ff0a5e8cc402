/** What /add says (M2): the prompt for the token, the attached bot, and a bot whose token was revoked since. */
export const addClientBotTexts = {
  askForToken:
    'Create a bot with @BotFather, then send me the token it gave you (it looks like 1234567890:AAH…).\n' +
    'I will delete your message right after reading it. /cancel to stop.',
  attached: (username: string) => `✅ @${username} is attached. Customers can write to it: https://t.me/${username}`,
  broken: (username: string) =>
    `⚠️ Telegram no longer accepts @${username}’s token (it was revoked in @BotFather), so its messages stop here.\n` +
    'Send /add and the new token to reconnect it.',
};
