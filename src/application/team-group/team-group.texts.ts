import { RejectionReason, TeamGroupLossReason, TopicCommand } from '../../domain/master-user/master-user.events';
import { editAnswerTexts } from '../edit-answer/edit-answer.texts';

const LOSS: Record<TeamGroupLossReason, (bot: string) => string> = {
  bot_removed: (bot) =>
    `@${bot} was removed from your team group. Add it back as an administrator allowed to manage topics to relay there again.`,
  missing_rights: (bot) =>
    `@${bot} may no longer manage topics in your team group. Make it an administrator with “Manage topics” again to relay there.`,
  topics_off: (bot) => `Topics were turned off in the team group of @${bot}. Turn them on and send /connect there again.`,
};

/** What the team group (M12) shows: the group's own notices and each customer topic's card. */
export const teamGroupTexts = {
  /** Telegram's limit on a topic's name is 128 characters. */
  topicName: (customer: string, botUsername: string) => fitTopicName(`${customer} · @${botUsername}`),
  linkedInGroup: (botUsername: string) =>
    `✅ This group is now the inbox of @${botUsername}: each customer gets a topic here.\n\n${groupHelp}`,
  /** `/help` in the group (M12): what agents can do there. */
  help: () => groupHelp,
  confirmLink: (botUsername: string) =>
    `You sent /connect in a group. Link it as the inbox of @${botUsername}? Every member of that group will read ` +
    'its customers’ messages and can answer them.',
  confirmButton: '✅ Link it',
  declineButton: '✖️ No',
  declined: (botUsername: string) => `Not linked: @${botUsername} keeps relaying here.`,
  linkedToMaster: (botUsername: string) =>
    `✅ @${botUsername} now relays its customers into your team group, one topic per customer. Anyone there answers by writing in the topic.`,
  /** Above a relay that came to the MasterBot chat because the team group refused to take it. */
  refusedRelay: (botUsername: string) =>
    `⚠️ @${botUsername} could not post this message into your team group, so it came here. Answer it here as usual.`,
  /** Told once when the bot can no longer relay into its team group, with what to do. */
  lost: (botUsername: string, reason: TeamGroupLossReason) =>
    `⚠️ ${LOSS[reason](botUsername)} Until then its customers’ messages come here, and you answer them here as usual.`,
  restored: (botUsername: string) => `✅ @${botUsername} is back in your team group: its customers’ messages go to their topics again.`,
  /** In the topic, answering `/close`, `/reopen`, `/ban` typed there. */
  closed: '🔒 Conversation closed. The topic reopens by itself when the customer writes again; /reopen opens it now.',
  reopened: '🔓 Conversation reopened: what you write here goes to the customer again.',
  unbannedInTopic: (name: string) => `✅ ${name} is no longer banned: their messages come here again, and answers reach them.`,
  /** M13, in the topic, replying to the agent's answer: what became of `/delete` or of an edit. */
  deletedForCustomer: '🗑 Deleted for the customer.',
  deletionFailed: (reason: string): string =>
    reason === 'telegram_cannot_delete'
      ? '⚠️ Not deleted for the customer: Telegram lets bots delete their messages for 48 hours only.'
      : reason === 'copy_not_found'
        ? '⚠️ Nothing to delete: the customer already deleted their copy.'
        : reason === 'reply_not_delivered'
          ? 'That answer never reached the customer: there is nothing to delete for them.'
          : reason === 'customer_blocked_bot'
            ? '⚠️ Not deleted for the customer: they have blocked the bot.'
            : `⚠️ Not deleted for the customer: Telegram refused (${reason}).`,
  /** null where nobody needs a word: the same words as in the MasterBot chat. */
  editFailed: editAnswerTexts.editFailed,
  /** What an agent asked in a topic and could not be done (TopicCommandRefused). */
  refused: (command: TopicCommand, reason: RejectionReason): string => {
    const what = command === 'edit' ? 'Your edit did not reach the customer' : 'Not deleted for the customer';
    switch (reason) {
      case 'delete_needs_reply':
        return 'To delete an answer for the customer, reply /delete to that answer.';
      case 'not_an_answer':
        return 'That message is not an answer to the customer: there is nothing to delete for them.';
      case 'answer_already_deleted':
        return 'That answer was already deleted for the customer.';
      case 'reply_not_delivered':
        return 'That answer never reached the customer, so your edit cannot reach them either. Write it again.';
      case 'bot_paused':
        return `${what}: the bot is paused (its master’s Pro plan ended).`;
      case 'bot_broken':
        return `${what}: the bot’s token was revoked in @BotFather.`;
      default:
        return `${what} (${reason}).`;
    }
  },
  bannedInTopic: (name: string) =>
    `🚫 ${name} is banned: their messages are no longer relayed, and nothing written here reaches them. ` +
    'The master can lift the ban with /banned in the MasterBot chat.',
  card: (card: CustomerCard) =>
    [
      `👤 ${card.name}${card.username ? ` (@${card.username})` : ''}`,
      `🤖 via @${card.botUsername}`,
      `🌐 language: ${card.language ?? 'not shared'}`,
      `🕒 first seen ${card.firstSeen}`,
      `💬 ${card.messages} message${card.messages === 1 ? '' : 's'}, ${card.answers} answer${card.answers === 1 ? '' : 's'}`,
      card.banned ? '🚫 banned' : '✅ not banned',
      ...(card.replacesDeletedTopic ? ['', '⚠️ Earlier history with this customer was in a topic that was deleted.'] : []),
    ].join('\n'),
};

/** What agents can do in the team group: shown when it is linked, and on `/help` there. */
const groupHelp =
  'Anyone in the group answers a customer by writing in their topic (no Reply needed). Start a message with // to keep it ' +
  'as an internal note (editing it later never sends it). Edit your answer and the customer’s copy is edited too; ' +
  'reply /delete to an answer to delete it for the customer (within 48 hours). React to a customer’s message and they ' +
  'see your reaction; their reactions show on your answers (👍 marks an answered message).\n' +
  'In a topic: /close closes the conversation (it reopens when the customer writes again), /reopen opens it, /ban bans ' +
  'the customer, /unban lifts the ban. A customer’s edits show on their message in the topic.';

export interface CustomerCard {
  name: string;
  username?: string;
  botUsername: string;
  /** The customer's app language (`language_code`, e.g. `de`), when Telegram told it. */
  language?: string;
  /** ISO date and time, UTC, to the minute. */
  firstSeen: string;
  messages: number;
  answers: number;
  banned: boolean;
  replacesDeletedTopic: boolean;
}

function fitTopicName(name: string): string {
  const chars = [...name];
  return chars.length <= 128 ? name : `${chars.slice(0, 127).join('')}…`;
}
