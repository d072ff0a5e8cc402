import type { AppHarness } from './app-harness';
import { masterBotSays, type TelegramSide } from './master-steps';
import type { CreatedBot, FakeUser, SentRecord } from './telegram-bot-api.fake';

/** The rights a client bot needs in its team group: manage topics (and delete them, for tidying up). */
export const TOPIC_RIGHTS = { can_manage_topics: true, can_delete_messages: true };

/**
 * The master makes a supergroup with topics, adds the bot as an administrator allowed to manage topics, sends
 * /connect there and confirms in the MasterBot chat; resolves once the group was told it is the bot's inbox.
 */
export async function linkedTeamGroup(
  h: TelegramSide,
  master: FakeUser,
  bot: CreatedBot,
  title: string,
  members: FakeUser[],
): Promise<number> {
  const group = h.fake.groups.create({ title, creatorId: master.id, forum: true, memberIds: members.map((m) => m.id) }).id;
  h.fake.groups.addsBot(group, master.id, bot.id, TOPIC_RIGHTS);
  h.fake.groups.sends(group, master.id, '/connect');
  const question = await masterBotSays(h, master, `Link it as the inbox of @${bot.username}?`);
  h.fake.userPressesButton(h.masterBot.id, master.id, question.messageId, `team:${bot.id}:${group}:yes`);
  await botPostsInGroup(h, bot, group, (s) => (s.text ?? '').includes('This group is now the inbox'));
  return group;
}

/** Resolves with the first message the bot posted in the group that matches. */
export function botPostsInGroup(
  h: TelegramSide,
  bot: CreatedBot,
  group: number,
  match: (sent: SentRecord) => boolean,
): Promise<SentRecord> {
  return h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === group && match(s));
}

/** A customer writes to the bot; resolves with the copy the bot posted into the customer's topic. */
export function customerWritesToTopic(
  h: AppHarness,
  bot: CreatedBot,
  group: number,
  customer: FakeUser,
  text: string,
): Promise<SentRecord> {
  h.fake.userSends(bot.id, customer.id, text);
  return botPostsInGroup(h, bot, group, (s) => s.text === text);
}

/** Resolves once the customer got this text from the bot. */
export function customerGets(h: AppHarness, bot: CreatedBot, customer: FakeUser, text: string): Promise<SentRecord> {
  return h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === text);
}
