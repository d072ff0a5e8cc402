import { InboxMode } from '../../domain/master-user/master-user.events';
import { Sealed } from '../../domain/shared/sealed';
import { ReplyTarget } from '../../domain/master-user/master-user.events';

export const REPLY_TARGETS = Symbol('REPLY_TARGETS');
export const BOT_DIRECTORY = Symbol('BOT_DIRECTORY');

/** Finds what a master's reply answers. Always scoped by the master's chat, never by message id alone. */
export interface ReplyTargetLookup {
  find(masterChatId: number, relayedMessageId: number): Promise<ReplyTarget | null>;
}

export const OWN_CHAT_COPIES = Symbol('OWN_CHAT_COPIES');

/** M14: which customer message a copy in the owner's chat with client bot `botId` stands for (that chat's ids are the bot's own). */
export interface OwnChatCopyLookup {
  findOwnChatCopy(botId: number, copyId: number): Promise<ReplyTarget | null>;
}

export interface ClientBotRecord {
  botId: number;
  masterId: number;
  username: string;
  encryptedToken: string;
  status: 'attached' | 'detached';
  /** Pro ended and the Free plan does not cover this bot: kept, but customers' messages are not relayed. */
  paused: boolean;
  /** Telegram rejects the bot's token (revoked in @BotFather): nothing is sent or received until re-attached. */
  broken: boolean;
  /** M9: the greeting sealed under `bot-<botId>` (`{ text }`), null for the default one. */
  greeting: Sealed | null;
  /** M12: the team group the bot relays into (TeamGroupLinked); absent: the MasterBot chat. */
  teamGroupChatId?: number;
  /** M12: the bot cannot relay into that group now (TeamGroupLost, not restored): relays go to the MasterBot chat. */
  teamGroupLost?: boolean;
  /**
   * M14: where its customers' messages arrive (InboxModeChosen; TeamGroupLinked sets `team_group`); absent: the
   * MasterBot chat. Folded from the history by the bot directory; the `client_bots` table does not keep it.
   */
  inbox?: InboxMode;
}

/** Whether the bot relays its customers' messages now. */
export const isRelaying = (bot: ClientBotRecord | null): bot is ClientBotRecord =>
  bot !== null && bot.status === 'attached' && !bot.paused && !bot.broken;

/** One line of /bots. */
export interface BotStats {
  botId: number;
  username: string;
  paused: boolean;
  broken: boolean;
  receivedCount: number;
  answeredCount: number;
}

export interface BannedCustomer {
  botId: number;
  botUsername: string;
  customerId: number;
  /** Sealed `{ name }` under the conversation's key (null once erased). */
  name: Sealed;
  bannedAt: string;
}

/** Which client bots exist, who owns them, and their (encrypted) tokens. */
export interface BotDirectory {
  /** @param atLeast wait (briefly) until the read model includes this global position. */
  get(botId: number, atLeast?: bigint): Promise<ClientBotRecord | null>;
  listAttached(): Promise<ClientBotRecord[]>;
  /** The master's attached bots with their counters (M8 /bots). */
  statsOf(masterId: number): Promise<BotStats[]>;
}

export const BANNED_CUSTOMERS = Symbol('BANNED_CUSTOMERS');

/** M6: who a master has banned, for /banned. */
export interface BannedCustomers {
  of(masterId: number): Promise<BannedCustomer[]>;
}
