import { randomInt } from 'node:crypto';
import type { BotRef, TgUser } from './types';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export interface BotCommand {
  command: string;
  description: string;
}

export interface BotRecord {
  id: number;
  username: string;
  firstName: string;
  token: string;
  commands: Map<string, BotCommand[]>;
  menuButton?: unknown;
  /** BotFather's "topics in private chats" (Bot API 9.3): getMe's `has_topics_enabled`; the bot may then
   * create topics in its private chats and post there with message_thread_id. */
  topicsInPrivateChats?: boolean;
}

export interface FakeUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  isBot: boolean;
  languageCode?: string;
}

export function tgUser(user: FakeUser): TgUser {
  const tg: TgUser = { id: user.id, is_bot: user.isBot, first_name: user.firstName };
  if (user.lastName) tg.last_name = user.lastName;
  if (user.username) tg.username = user.username;
  if (user.languageCode) tg.language_code = user.languageCode;
  return tg;
}

export function botUser(bot: BotRecord): TgUser {
  return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
}

/** Bots and users. Test-control lookups throw plain Errors: they are mistakes in a test, not API errors. */
export class Registry {
  private readonly bots = new Map<number, BotRecord>();
  private readonly tokens = new Map<string, BotRecord>();
  private readonly revoked = new Map<string, BotRecord>();
  private readonly users = new Map<number, FakeUser>();
  private nextUserId = 100_000_001;

  createBot(options: { username: string; firstName?: string; id?: number; topicsInPrivateChats?: boolean }): BotRecord {
    const username = options.username.replace(/^@/, '');
    if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username) || !/bot$/i.test(username)) {
      throw new Error(`"${username}" is not a username BotFather accepts (5-32 chars, ending in "bot")`);
    }
    if (this.findByUsername(username)) throw new Error(`a bot named @${username} already exists`);
    const id = options.id ?? this.freshBotId();
    if (this.bots.has(id) || this.users.has(id)) throw new Error(`id ${id} is already taken`);
    const bot: BotRecord = { id, username, firstName: options.firstName ?? username, token: newToken(id), commands: new Map() };
    if (options.topicsInPrivateChats) bot.topicsInPrivateChats = true;
    this.bots.set(id, bot);
    this.tokens.set(bot.token, bot);
    return bot;
  }

  /** Like BotFather's /revoke: the old token stops working at once and a new one is issued. */
  revokeToken(token: string): string {
    const bot = this.tokens.get(token);
    if (!bot) throw new Error('unknown or already revoked token');
    this.tokens.delete(token);
    this.revoked.set(token, bot);
    bot.token = newToken(bot.id);
    this.tokens.set(bot.token, bot);
    return bot.token;
  }

  byActiveToken(token: string): BotRecord | undefined {
    return this.tokens.get(token);
  }

  bot(ref: BotRef): BotRecord {
    const bot =
      typeof ref === 'number' || /^\d+$/.test(ref)
        ? this.bots.get(Number(ref))
        : ref.includes(':')
          ? (this.tokens.get(ref) ?? this.revoked.get(ref))
          : this.findByUsername(ref.replace(/^@/, ''));
    if (!bot) throw new Error(`no bot matches ${JSON.stringify(ref)}`);
    return bot;
  }

  allBots(): BotRecord[] {
    return [...this.bots.values()];
  }

  /** Every token ever issued: the bots' current ones and the revoked ones. */
  allTokens(): string[] {
    return [...this.tokens.keys(), ...this.revoked.keys()];
  }

  createUser(options: Partial<Omit<FakeUser, 'firstName'>> & { firstName: string }): FakeUser {
    const id = options.id ?? this.nextUserId++;
    if (this.users.has(id) || this.bots.has(id)) throw new Error(`id ${id} is already taken`);
    const user: FakeUser = { ...options, id, isBot: options.isBot ?? false };
    this.users.set(id, user);
    return user;
  }

  user(id: number): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user with id ${id}; create it with createUser() first`);
    return user;
  }

  private findByUsername(username: string): BotRecord | undefined {
    const wanted = username.toLowerCase();
    return [...this.bots.values()].find((bot) => bot.username.toLowerCase() === wanted);
  }

  private freshBotId(): number {
    let id: number;
    do id = 7_000_000_000 + randomInt(0, 999_999_999);
    while (this.bots.has(id));
    return id;
  }
}

/** `<bot id>:<35 chars>`; real secrets start with "AA", which some token validators look for. */
function newToken(id: number): string {
  let secret = 'AA';
  while (secret.length < 35) secret += TOKEN_ALPHABET[randomInt(0, TOKEN_ALPHABET.length)];
  return `${id}:${secret}`;
}
