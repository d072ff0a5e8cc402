import { ReplyTarget } from '../../domain/master-user/master-user.events';

export const REPLY_TARGETS = Symbol('REPLY_TARGETS');
export const BOT_DIRECTORY = Symbol('BOT_DIRECTORY');

/** Finds what a master's reply answers. Always scoped by the master's chat, never by message id alone. */
export interface ReplyTargetLookup {
  find(masterChatId: number, relayedMessageId: number): Promise<ReplyTarget | null>;
}

export interface ClientBotRecord {
  botId: number;
  masterId: number;
  username: string;
  encryptedToken: string;
  status: 'attached' | 'detached';
}

/** Which client bots exist, who owns them, and their (encrypted) tokens. */
export interface BotDirectory {
  /** @param atLeast wait (briefly) until the read model includes this global position. */
  get(botId: number, atLeast?: bigint): Promise<ClientBotRecord | null>;
  listAttached(): Promise<ClientBotRecord[]>;
}
