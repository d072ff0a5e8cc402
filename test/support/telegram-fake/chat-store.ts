import { badRequest, forbidden } from './api-error';
import { tgUser, type FakeUser } from './registry';
import type { TgChat, TgMessage } from './types';

export interface ChatEntry {
  messageId: number;
  fromBot: boolean;
  deleted: boolean;
  message: TgMessage;
  reactions: string[];
}

/** One private chat between a bot and a user. Message ids are counted per chat and shared by both
 * sides, so two bots (or two chats of one bot) routinely hand out the same message_id. */
export class ChatState {
  blocked = false;
  private nextMessageId = 1;
  private readonly entries = new Map<number, ChatEntry>();

  constructor(
    readonly botId: number,
    readonly user: FakeUser,
  ) {}

  get id(): number {
    return this.user.id;
  }

  tgChat(): TgChat {
    const user = tgUser(this.user);
    const chat: TgChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name) chat.last_name = user.last_name;
    if (user.username) chat.username = user.username;
    return chat;
  }

  append(fromBot: boolean, build: (messageId: number) => TgMessage): ChatEntry {
    const messageId = this.nextMessageId++;
    const entry: ChatEntry = { messageId, fromBot, deleted: false, message: build(messageId), reactions: [] };
    this.entries.set(messageId, entry);
    return entry;
  }

  live(messageId: number | undefined): ChatEntry | undefined {
    const entry = messageId === undefined ? undefined : this.entries.get(messageId);
    return entry && !entry.deleted ? entry : undefined;
  }

  all(): ChatEntry[] {
    return [...this.entries.values()].sort((a, b) => a.messageId - b.messageId);
  }
}

export class ChatStore {
  private readonly chats = new Map<string, ChatState>();

  open(botId: number, user: FakeUser): ChatState {
    const key = `${botId}:${user.id}`;
    let chat = this.chats.get(key);
    if (!chat) {
      chat = new ChatState(botId, user);
      this.chats.set(key, chat);
    }
    return chat;
  }

  find(botId: number, chatId: number): ChatState | undefined {
    return this.chats.get(`${botId}:${chatId}`);
  }

  /** A chat the bot may act in. Bots cannot start private chats, so a user who never wrote is unknown. */
  require(botId: number, chatId: unknown): ChatState {
    const id = typeof chatId === 'number' ? chatId : Number(chatId);
    if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty');
    const chat = Number.isSafeInteger(id) ? this.find(botId, id) : undefined;
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  /** A chat the bot may write to: sending to a user who blocked the bot is refused. */
  writable(botId: number, chatId: unknown): ChatState {
    const chat = this.require(botId, chatId);
    if (chat.blocked) throw forbidden('bot was blocked by the user');
    return chat;
  }
}
