import { RejectionReason } from '../../domain/master-user/master-user.events';

/** Everything the bots say, in one place (product words: master, client bot, customer). */
export const texts = {
  welcome:
    'Welcome to FeedbackBots!\n\n' +
    'Attach your own bot and every message your customers send it arrives here. Reply to a message to answer the customer.\n\n' +
    '/add — attach a client bot\n/remove — detach a client bot\n/cancel — stop what you are doing',
  askForToken:
    'Create a bot with @BotFather, then send me the token it gave you (it looks like 1234567890:AAH…).\n' +
    'I will delete your message right after reading it. /cancel to stop.',
  cancelled: 'Cancelled. What next? /add or /remove',
  respondingPrompt: 'Send your answer now; it goes to the customer. /cancel to stop.',
  attached: (username: string) => `✅ @${username} is attached. Customers can write to it: https://t.me/${username}`,
  detached: (username: string) => `@${username} is detached. Its customers' messages no longer reach you.`,
  chooseBotToRemove: 'Which bot should I detach?',
  defaultGreeting: 'Hello! Send us your message and we will answer here as soon as we can.',
  deliveryFailed: (reason: string) =>
    reason === 'customer_blocked_bot'
      ? '⚠️ Your reply was not delivered: the customer has blocked the bot.'
      : reason === 'client_bot_token_revoked'
        ? '⚠️ Your reply was not delivered: the client bot’s token was revoked in @BotFather.'
        : `⚠️ Your reply was not delivered (${reason}).`,
  rejected: {
    unknown_command: 'Unknown command. Press Menu for the list of commands, or /help.',
    nothing_to_cancel: 'Nothing to cancel.',
    not_a_reply: 'To answer a customer, use Telegram’s Reply on their message. To attach a bot: /add',
    reply_target_unknown: 'That message is not a relayed customer message, so I cannot tell who should get this reply.',
    bot_not_attached: 'That customer wrote to a bot that is no longer attached; the reply was not sent.',
    no_bots_to_remove: 'You have no client bots attached. /add attaches one.',
    not_registered: 'Please send /start first.',
    token_malformed: 'That does not look like a bot token (<bot id>:<35 characters>). Send the token from @BotFather, or /cancel.',
    token_invalid: 'Telegram does not accept that token (revoked or mistyped). Send a valid token, or /cancel.',
    token_is_master_bot: 'That is my own token. Send the token of the bot your customers will talk to.',
    token_not_a_bot: 'That token does not belong to a bot.',
    token_attached_elsewhere: 'That bot is already attached to another account.',
    bot_already_attached: 'That bot is already attached to your account.',
    bot_limit_reached: 'Your plan allows no more client bots. /remove one first.',
    webhook_registration_failed: 'Telegram refused to register the bot’s webhook. Please try again later.',
    unsupported_message: 'Only text replies can be delivered for now.',
  } satisfies Record<RejectionReason, string>,
};

export const TELEGRAM_TEXT_LIMIT = 4096;

/** Telegram refuses texts over 4096 characters: cut with a visible marker rather than fail. */
export function fitTelegramText(text: string): string {
  if (text.length <= TELEGRAM_TEXT_LIMIT) return text;
  const marker = '… [truncated]';
  return text.slice(0, TELEGRAM_TEXT_LIMIT - marker.length) + marker;
}
