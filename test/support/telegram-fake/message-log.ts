import { badRequest } from './api-error';
import { ForumTopics } from './forum-topics';
import type { TgChat, TgMessage } from './types';

export interface ChatEntry {
  messageId: number;
  fromBot: boolean;
  deleted: boolean;
  message: TgMessage;
  /** What the bots set with setMessageReaction (a private chat has one bot; in a group, the last bot's). */
  reactions: string[];
  /** What users set in their apps, by user id (see `userReacts`). */
  userReactions: Map<number, string[]>;
  /** Groups only: the bots this message was delivered to (privacy mode decides), so edits reach the same bots. */
  seenBy?: Set<number>;
}

/** The messages of one chat as Telegram numbers them: message ids count per chat and are shared by every
 * sender (users and, in a group, every bot), so two chats routinely hand out the same message_id. */
export abstract class MessageLog {
  readonly topics = new ForumTopics();
  private nextMessageId = 1;
  private readonly entries = new Map<number, ChatEntry>();

  abstract get id(): number;

  abstract tgChat(): TgChat;

  append(fromBot: boolean, build: (messageId: number) => TgMessage): ChatEntry {
    const messageId = this.nextMessageId++;
    const entry: ChatEntry = { messageId, fromBot, deleted: false, message: build(messageId), reactions: [], userReactions: new Map() };
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

  /**
   * The envelope of a message posted into a topic, as Telegram builds it: `message_thread_id`,
   * `is_topic_message: true`, and — when the message replies to nothing else — `reply_to_message` set to
   * the topic's `forum_topic_created` service message. A reply without a thread id lands in the thread
   * of the message it replies to. Sending into a deleted or unknown topic is "message thread not found".
   */
  threadEnvelope(threadId: number | undefined, replyTo: TgMessage | undefined): Partial<TgMessage> {
    const thread = threadId ?? (replyTo?.is_topic_message ? replyTo.message_thread_id : undefined);
    if (thread === undefined) return {};
    const topic = this.topics.live(thread);
    if (!topic) throw badRequest('message thread not found');
    return { message_thread_id: thread, is_topic_message: true, ...(replyTo ? {} : { reply_to_message: topic.creationMessage }) };
  }
}
