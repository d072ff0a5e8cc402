import { GREETING_MAX_LENGTH } from '../../domain/master-user/master-user.commands';
import { RejectionReason } from '../../domain/master-user/master-user.events';
import { inboxRefusals } from '../own-chat/inbox.texts';

/**
 * Why the MasterBot refused a command (`CommandRejected.reason`), one sentence per code. One slice for all of them:
 * most codes are shared by several intents (a paused or broken bot, no bots, an expired picker), and the decider
 * gives the code, never the words.
 */
export const refusalTexts = {
  /** M13: an edit or `/delete` refused because of its bot: the reply texts would say "the reply was not sent". */
  answerSyncRefused: (command: string, reason: RejectionReason): string | null => {
    const what =
      command === 'edit' ? 'Your edit did not reach the customer' : command === '/delete' ? 'The customer’s copy was not deleted' : null;
    if (!what) return null;
    if (reason === 'bot_paused') return `${what}: that bot is paused because your Pro plan ended. /subscribe to resume it.`;
    if (reason === 'bot_broken') return `${what}: that bot’s token was revoked in @BotFather. /add it again with the new token.`;
    if (reason === 'bot_not_attached') return `${what}: that bot is no longer attached to your account.`;
    return null;
  },
  rejected: {
    unknown_command: 'Unknown command. Press Menu for the list of commands, or /help.',
    nothing_to_cancel: 'Nothing to cancel.',
    not_a_reply: 'To answer a customer, use Telegram’s Reply on their message. To attach a bot: /add',
    picker_expired: 'Those buttons are out of date. Send the command again.',
    ban_needs_reply: 'To ban a customer, reply /ban to one of their messages (or press 🚫 Ban under it).',
    reply_target_unknown: 'That message is not a relayed customer message, so I cannot tell which customer you mean.',
    bot_not_attached: 'That bot is no longer attached to your account.',
    no_bots_to_remove: 'You have no client bots attached. /add attaches one.',
    no_bots: 'You have no client bot for that yet. /add attaches one.',
    not_registered: 'Please send /start first.',
    token_malformed: 'That does not look like a bot token (<bot id>:<35 characters>). Send the token from @BotFather, or /cancel.',
    token_invalid: 'Telegram does not accept that token (revoked or mistyped). Send a valid token, or /cancel.',
    token_is_master_bot: 'That is my own token. Send the token of the bot your customers will talk to.',
    token_not_a_bot: 'That token does not belong to a bot.',
    token_attached_elsewhere: 'That bot is already attached to another account.',
    bot_already_attached: 'That bot is already attached to your account.',
    bot_limit_reached: 'The Free plan allows one client bot. /subscribe to Pro for more, or /remove one first.',
    pro_bot_limit_reached: 'You have attached as many bots as Pro allows. /remove one first.',
    webhook_registration_failed: 'Telegram refused to register the bot’s webhook. Please try again later.',
    bot_paused: 'That bot is paused because your Pro plan ended; the reply was not sent. /subscribe to resume it.',
    bot_broken: 'That bot’s token was revoked in @BotFather; the reply was not sent. /add it again with the new token.',
    bad_start_parameter: 'A link parameter may only hold letters, digits, _ and - (up to 64), e.g. /qr flyer_2024',
    bad_reminder_hours: 'Usage: /reminders <hours> (from 0.25 to 168), or /reminders off',
    greeting_not_text: 'A greeting is text. Send the text, or /cancel.',
    greeting_too_long: `That greeting is too long (the limit is ${GREETING_MAX_LENGTH} characters). Send a shorter one, or /cancel.`,
    pro_required: 'Broadcasts are part of Pro. /subscribe to upgrade.',
    already_pro: 'You are already on Pro, and it renews automatically.',
    not_on_pro: 'You are on the Free plan; there is no subscription to cancel.',
    renewal_already_cancelled: 'Your Pro subscription is already set not to renew.',
    broadcast_unsupported_message: 'That kind of message cannot be broadcast. Send text or media, or /cancel.',
    unsupported_message: 'That kind of message cannot be delivered to a customer.',
    team_group_not_owner:
      'Someone who is not you sent /connect in a group to link one of your bots; it was refused. Only you can link your bots to a team group.',
    team_group_not_forum:
      'The group was not linked: it has no topics. Turn on Topics in the group’s settings, then send /connect there again.',
    team_group_missing_right:
      'The group was not linked: the bot is not an administrator allowed to manage topics there. Promote it with “Manage topics”, then send /connect again.',
    reply_not_delivered: 'That answer never reached the customer, so your edit cannot reach them either. Send it again as a new reply.',
    delete_needs_reply: 'To delete an answer for the customer, reply /delete to your answer.',
    not_an_answer: 'That message is not one of your answers to a customer, so there is nothing to delete for them.',
    answer_already_deleted: 'You already asked to delete that answer for the customer.',
    ...inboxRefusals,
  } satisfies Record<RejectionReason, string>,
};
