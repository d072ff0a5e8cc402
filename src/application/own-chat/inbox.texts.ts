import { InboxAskedIn, InboxMode } from '../../domain/master-user/master-user.events';
import { InlineButton } from '../ports/telegram.port';

/** The callback data of an inbox button: ids and a short mode word, well under Telegram's 64 bytes. */
const MODE_WORDS: Record<InboxMode, string> = { master_chat: 'master', bot_chat: 'bot', team_group: 'group' };
export const inboxButton = (botId: number, mode: InboxMode): string => `inbox:${botId}:${MODE_WORDS[mode]}`;
export const INBOX_BUTTON = /^inbox:(\d{1,16}):([a-z]+)$/;
/** The mode a button's word names, or null for a word we never send (bad input). */
export const modeOfWord = (word: string): InboxMode | null =>
  (Object.keys(MODE_WORDS) as InboxMode[]).find((mode) => MODE_WORDS[mode] === word) ?? null;

const WHERE: Record<InboxMode, (bot: string) => string> = {
  master_chat: () => 'the MasterBot chat',
  bot_chat: (bot) => `your own chat with @${bot}`,
  team_group: () => 'its team group, one topic per customer',
};

/** What the three inboxes (M14) say: the offer with its buttons, the confirmations, the client bot's lines to its owner. */
export const inboxTexts = {
  /** In /bots, after the bot's name. */
  listed: (mode: InboxMode) =>
    mode === 'bot_chat' ? '📥 inbox: its own chat' : mode === 'team_group' ? '📥 inbox: team group' : '📥 inbox: MasterBot chat',
  offer: (bot: string, mode: InboxMode, askedIn: InboxAskedIn) =>
    (askedIn === 'bot_chat' ? `Hello, owner of @${bot}! ` : '') +
    `Messages your customers send @${bot} arrive in ${WHERE[mode](bot)}. Where should they arrive?\n\n` +
    '• MasterBot chat — every bot in one chat (the default).\n' +
    `• This bot’s own chat — right here in your chat with @${bot}, sent by the bot itself (its own rate budget): ` +
    'one topic per customer when the bot has topics turned on in @BotFather, otherwise answer with Reply.\n' +
    '• Team group — a group with topics where your team answers; add the bot there as an admin allowed to manage ' +
    'topics and send /connect in the group.',
  buttons: (botId: number): InlineButton[][] => [
    [{ text: '🤖 MasterBot chat', callbackData: inboxButton(botId, 'master_chat') }],
    [{ text: '📥 This bot’s own chat', callbackData: inboxButton(botId, 'bot_chat') }],
    [{ text: '👥 Team group', callbackData: inboxButton(botId, 'team_group') }],
  ],
  chosen: (bot: string, mode: InboxMode) =>
    `✅ Messages customers send @${bot} now arrive in ${WHERE[mode](bot)}. ` +
    'Replies to messages that arrived elsewhere before still reach their customers.',
  /** Said by the client bot in the owner's chat when it becomes the inbox. */
  hereNow: (topics: boolean) =>
    '📥 This chat is now the inbox of this bot. ' +
    (topics
      ? 'Each customer gets a topic here: write in their topic to answer (no Reply needed). '
      : 'Answer a customer with Reply on their message. ') +
    'Start a message with // to keep it as a note. /ban in a topic (or as a reply) bans the customer. ' +
    'Editing your answer edits the customer’s copy; reply /delete to it to delete it for them ' +
    '(deleting your own message here does not). ' +
    'Your own messages here are never taken for a customer’s.',
  /** The bot may not write to its owner (they never pressed Start in it, or blocked it). */
  startTheBot: (bot: string) =>
    `⚠️ @${bot} cannot write to you yet: open https://t.me/${bot} and press Start (or unblock it). ` +
    'Until then its customers’ messages come here.',
  /** Above a relay that came to the MasterBot chat because the owner's chat with the bot refused it. */
  refusedRelay: (bot: string) =>
    `⚠️ @${bot} could not post this message into your chat with it (open @${bot} and press Start, or unblock it), so it came here. ` +
    'Answer it here as usual.',
  /** The first line of a relay in the owner's chat without topics: who wrote (the copy's buttons say which customer). */
  header: (customer: string) => `💬 ${customer}`,
  banButton: '🚫 Ban',
  card: (name: string, username: string | undefined, firstSeen: string) =>
    [
      `👤 ${name}${username ? ` (@${username})` : ''}`,
      `🕒 first seen ${firstSeen}`,
      'Write here to answer; // for a note; /ban to ban.',
    ].join('\n'),
};

export const inboxRefusals = {
  team_group_not_linked:
    'That bot has no team group yet. Make a group with Topics, add the bot as an admin allowed to manage topics, and send /connect there.',
  inbox_unchanged: 'That bot already relays there.',
  own_chat_not_a_reply:
    'This chat is your bot’s inbox: to answer a customer, write in their topic or use Reply on their message. /start shows where messages arrive.',
} as const;
