import { TeamGroupLossReason } from '../../domain/master-user/master-user.events';

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
    `✅ This group is now the inbox of @${botUsername}: each customer gets a topic here. ` +
    'Anyone in the group answers by writing in the customer’s topic (no Reply needed). ' +
    'Start a message with // to keep it as an internal note. In a topic, /close closes the conversation (it reopens when the ' +
    'customer writes again), /reopen opens it, /ban bans the customer.',
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
  bannedInTopic: (name: string) =>
    `🚫 ${name} is banned: their messages are no longer relayed, and nothing written here reaches them. ` +
    'The master can lift the ban with /banned in the MasterBot chat.',
  card: (card: CustomerCard) =>
    [
      `👤 ${card.name}${card.username ? ` (@${card.username})` : ''}`,
      `🤖 via @${card.botUsername}`,
      `🕒 first seen ${card.firstSeen}`,
      `💬 ${card.messages} message${card.messages === 1 ? '' : 's'}, ${card.answers} answer${card.answers === 1 ? '' : 's'}`,
      card.banned ? '🚫 banned' : '✅ not banned',
      ...(card.replacesDeletedTopic ? ['', '⚠️ Earlier history with this customer was in a topic that was deleted.'] : []),
    ].join('\n'),
};

export interface CustomerCard {
  name: string;
  username?: string;
  botUsername: string;
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
