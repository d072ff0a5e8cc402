import type { AppHarness } from './app-harness';
import type { CreatedBot, FakeUser, SentRecord } from './telegram-bot-api.fake';

/**
 * What a master does over and over in the end-to-end tests, in the product's words. Each step waits
 * for what the master would see before the test goes on.
 */

/** What a step drives: the Bot API fake and the MasterBot in it (an AppHarness, or the bench's own app process). */
export type TelegramSide = Pick<AppHarness, 'fake' | 'masterBot'>;

/** Resolves with the MasterBot's first message to `master` whose text (or caption) contains `fragment`. */
export function masterBotSays(h: TelegramSide, master: FakeUser, fragment: string): Promise<SentRecord> {
  return h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && (s.text ?? s.caption ?? '').includes(fragment));
}

/** A new master who sent /start and got the welcome. */
export async function registeredMaster(h: AppHarness, firstName: string): Promise<FakeUser> {
  const master = h.fake.createUser({ firstName });
  h.fake.userSends(h.masterBot.id, master.id, '/start');
  await masterBotSays(h, master, 'Welcome to FeedbackBots');
  return master;
}

/** `/add`, then the token (one chat's updates arrive in order, so no need to wait for the prompt). */
export async function attachNewBot(
  h: AppHarness,
  master: FakeUser,
  username: string,
  options: { topicsInPrivateChats?: boolean } = {},
): Promise<CreatedBot> {
  const bot = h.fake.createBot({ username, ...options });
  h.fake.userSends(h.masterBot.id, master.id, '/add');
  h.fake.userSends(h.masterBot.id, master.id, bot.token);
  await masterBotSays(h, master, `@${username} is attached`);
  return bot;
}

/** A customer writes to a client bot; resolves with the relayed copy in the master's chat. */
export function customerWrites(h: AppHarness, bot: CreatedBot, customer: FakeUser, master: FakeUser, text: string): Promise<SentRecord> {
  h.fake.userSends(bot.id, customer.id, text);
  return masterBotSays(h, master, text);
}

/** The callback data of a relayed copy's ✍ Reply or 🚫 Ban button, as the master's Telegram app holds it. */
export function relayButton(copy: SentRecord, label: '✍ Reply' | '🚫 Ban'): string {
  const rows = (copy.replyMarkup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  const data = rows.flat().find((button) => button.text === label)?.callback_data;
  if (!data) throw new Error(`message #${copy.messageId} has no ${label} button`);
  return data;
}
