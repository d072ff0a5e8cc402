import { badRequest, forbidden } from './api-error';
import { GroupChat, GroupStore } from './group-chat';
import { MessageLog } from './message-log';
import { tgUser, type FakeUser } from './registry';
import type { TgChat } from './types';

export type { ChatEntry } from './message-log';

/** One private chat between a bot and a user. */
export class ChatState extends MessageLog {
  blocked = false;

  constructor(
    readonly botId: number,
    readonly user: FakeUser,
  ) {
    super();
  }

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
}

/** Any chat a bot acts in: a private chat with one user, or a group it is a member of. */
export type Chat = ChatState | GroupChat;

export class ChatStore {
  private readonly chats = new Map<string, ChatState>();
  readonly groups = new GroupStore();

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

  /** A chat as the test sees it: a bot's private chat with a user, or a group (negative id), whoever is in it. */
  view(botId: number, chatId: number): Chat | undefined {
    return chatId < 0 ? this.groups.find(chatId) : this.find(botId, chatId);
  }

  /** A chat the bot may act in. Bots cannot start private chats, so a user who never wrote is unknown; in a
   * group the bot must be a member (see GroupChat.requireMember). */
  require(botId: number, chatId: unknown): Chat {
    const id = typeof chatId === 'number' ? chatId : Number(chatId);
    if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty');
    if (Number.isSafeInteger(id) && id < 0) return this.groups.require(botId, id);
    const chat = Number.isSafeInteger(id) ? this.find(botId, id) : undefined;
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  /** A chat the bot may write to: sending to a user who blocked the bot is refused. */
  writable(botId: number, chatId: unknown): Chat {
    const chat = this.require(botId, chatId);
    if (chat instanceof ChatState && chat.blocked) throw forbidden('bot was blocked by the user');
    return chat;
  }
}
