import { GREETING_MAX_LENGTH } from '../../domain/master-user/master-user.commands';
import { BotPurpose, RejectionReason } from '../../domain/master-user/master-user.events';
import { MASTER_COMMANDS } from '../help/master-commands';
import { BotStats } from '../ports/read-models.port';
import { inboxRefusals, inboxTexts } from '../own-chat/inbox.texts';
import { InboxMode } from '../../domain/master-user/master-user.events';

/** Everything the bots say, in one place (product words: master, client bot, customer). */
const PURPOSE_QUESTION: Record<BotPurpose, string> = {
  remove: 'Which bot should I detach?',
  qr: 'Which bot’s QR code do you want?',
  greeting: 'Which bot’s greeting do you want to set?',
  broadcast: 'Whose customers should get the broadcast?',
  inbox: 'Which bot’s inbox do you want to see or change?',
};

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Everything the bots say, in one place (product words: master, client bot, customer). */
export const texts = {
  welcome:
    'Welcome to FeedbackBots!\n\n' +
    'Attach your own bot and every message your customers send it arrives here. Reply to a message to answer the customer.\n\n' +
    '/add — attach a client bot\n/help — everything I can do',
  help:
    'FeedbackBots relays what your customers write to your bots, and your replies back to them.\n\n' +
    'Answer a customer: use Telegram’s Reply on their message (text, photos, files, voice — anything), or press ✍ Reply.\n' +
    'Ban a customer: reply /ban to their message, or press 🚫 Ban.\n' +
    'Choose where each bot’s messages arrive with /inbox: here (the default), in your own chat with the bot (it relays them ' +
    'itself, one topic per customer when its topics are on — answer by writing in the topic or with Reply), or in a team group. ' +
    'Writing /start to your own bot offers the same choice there; in that chat your edits, /delete and reactions reach the ' +
    'customer as they do here.\n' +
    'Answer as a team: add a client bot to a group with Topics as an admin allowed to manage topics, and send /connect there. ' +
    'In a customer’s topic, /close and /reopen mark the conversation, /ban and /unban ban and unban the customer; agents’ ' +
    'edits, /delete and reactions reach the customer as yours do here (/help in the group says more).\n' +
    'Edit one of your answers and the customer’s copy is edited too.\n' +
    'React to a customer’s message and they see your reaction; their reactions to your answers show here.\n' +
    'Delete an answer for the customer: reply /delete to it (within 48 hours). Deleting your own message in this chat ' +
    'does not delete theirs: Telegram tells bots nothing about deletions in private chats.\n\n' +
    MASTER_COMMANDS.map((c) => `/${c.command} — ${c.description}`).join('\n'),
  askForToken:
    'Create a bot with @BotFather, then send me the token it gave you (it looks like 1234567890:AAH…).\n' +
    'I will delete your message right after reading it. /cancel to stop.',
  cancelled: 'Cancelled. What next? /help lists everything.',
  respondingPrompt: 'Send your answer now; it goes to the customer. /cancel to stop.',
  attached: (username: string) => `✅ @${username} is attached. Customers can write to it: https://t.me/${username}`,
  detached: (username: string) => `@${username} is detached. Its customers' messages no longer reach you.`,
  broken: (username: string) =>
    `⚠️ Telegram no longer accepts @${username}’s token (it was revoked in @BotFather), so its messages stop here.\n` +
    'Send /add and the new token to reconnect it.',
  chooseBot: (purpose: BotPurpose) => PURPOSE_QUESTION[purpose],
  askForGreeting: (username: string) =>
    `Send the greeting customers of @${username} get when they press Start (text, up to ${GREETING_MAX_LENGTH} characters). /cancel to stop.`,
  greetingSet: (username: string) => `✅ Customers of @${username} now get your greeting on /start.`,
  askForBroadcast: (username: string) =>
    `Send the message for every customer of @${username} — text, a photo, a file, anything. /cancel to stop.`,
  qrCaption: (link: string) => `Scan to write to ${link}`,
  newCustomerVia: (username: string, startParameter: string) =>
    `👋 A new customer started @${username} through your link “${startParameter}”.`,
  botList: (bots: BotStats[], inboxes: Map<number, InboxMode> = new Map()) =>
    bots.length === 0
      ? 'You have no client bots attached. /add attaches one.'
      : 'Your client bots:\n\n' +
        bots
          .map((b) => {
            const flag = b.broken ? ' ⚠️ token revoked' : b.paused ? ' ⏸ paused (Free plan)' : '';
            const counts = `${count(b.receivedCount, 'message')} received, ${count(b.answeredCount, 'reply', 'replies')} delivered`;
            return `@${b.username}${flag}\n   ${counts}\n   ${inboxTexts.listed(inboxes.get(b.botId) ?? 'master_chat')}`;
          })
          .join('\n') +
        '\n\n/inbox chooses where a bot’s messages arrive: here, in the bot’s own chat, or in a team group.',
  noneBanned: 'Nobody is banned.',
  bannedList: (n: number) => `Banned customers (${n}). Press one to lift the ban:`,
  banned: (name: string, username: string) =>
    `🚫 ${name} is banned from @${username}: their messages no longer reach you. /banned to lift it.`,
  unbanned: (name: string, username: string) => `✅ ${name} may write to @${username} again.`,
  throttled: 'You are sending messages too fast. Please wait a minute; messages sent meanwhile are not delivered.',
  defaultGreeting: 'Hello! Send us your message and we will answer here as soon as we can.',
  deliveryFailed: (reason: string) =>
    reason === 'customer_blocked_bot'
      ? '⚠️ Your reply was not delivered: the customer has blocked the bot.'
      : reason === 'client_bot_token_revoked'
        ? '⚠️ Your reply was not delivered: the client bot’s token was revoked in @BotFather.'
        : reason === 'possibly_sent'
          ? '⚠️ Your reply may not have reached the customer: the connection to Telegram broke twice while it was sent. It was not sent again, to avoid duplicates.'
          : reason === 'file_too_big'
            ? '⚠️ Your reply was not delivered: its file is bigger than Telegram lets bots move (20 MB to download, 50 MB to upload).'
            : `⚠️ Your reply was not delivered (${reason}).`,
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
  /** M13: `/delete` done. */
  answerDeleted: '🗑 Deleted for the customer.',
  /** M13: why `/delete` could not remove the customer's copy. */
  deletionFailed: (reason: string): string =>
    reason === 'telegram_cannot_delete'
      ? '⚠️ Telegram would not delete the customer’s copy: bots can only delete messages sent less than 48 hours ago.'
      : reason === 'copy_not_found'
        ? '⚠️ The customer’s copy is already gone: they deleted it themselves.'
        : reason === 'reply_not_delivered'
          ? 'That answer never reached the customer: there is nothing to delete for them.'
          : reason === 'customer_blocked_bot'
            ? '⚠️ The customer’s copy could not be deleted: they have blocked the bot.'
            : `⚠️ The customer’s copy could not be deleted: Telegram refused (${reason}).`,
  /** M13: why an edited answer did not reach the customer's copy; null where the master needs no word. */
  editFailed: (reason: string): string | null =>
    ['reply_not_delivered', 'reply_deleted', 'not_editable', 'content_erased'].includes(reason)
      ? null
      : reason === 'customer_blocked_bot'
        ? '⚠️ Your edit did not reach the customer: they have blocked the bot.'
        : `⚠️ Your edit did not reach the customer: Telegram refused it (${reason}).`,
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
  media: {
    /** The relay's first line: who wrote, through which bot. */
    header: (customer: string, botUsername: string | undefined) => `💬 ${customer} → ${botUsername ? `@${botUsername}` : 'your bot'}`,
    /** Above the header of a relay sent again after a crash interrupted it: the master may see this message twice. */
    repeated: '↻ Sent again after a restart — an earlier copy may exist; you can answer either.',
    kindNames: {
      photo: 'photo',
      video: 'video',
      document: 'file',
      voice: 'voice message',
      audio: 'audio file',
      sticker: 'sticker',
      animation: 'GIF',
      video_note: 'video message',
    } as Record<string, string>,
    tooBigToRelay: (customer: string, kind: string, size: string | null, limitMb: number) =>
      `📎 ${customer} sent a ${kind}${size ? ` of ${size}` : ''}; Telegram lets bots download at most ${limitMb} MB, so it could not be relayed. ` +
      'Reply here to ask for a smaller one.',
    edited: (customer: string, text: string) => `✏️ ${customer} edited this message:\n\n${text}`,
    editedWithoutText: (customer: string) => `✏️ ${customer} edited this message.`,
  },
};

export const TELEGRAM_TEXT_LIMIT = 4096;

/** Telegram refuses texts over 4096 characters: cut with a visible marker rather than fail. */
export function fitTelegramText(text: string): string {
  if (text.length <= TELEGRAM_TEXT_LIMIT) return text;
  const marker = '… [truncated]';
  return text.slice(0, TELEGRAM_TEXT_LIMIT - marker.length) + marker;
}
