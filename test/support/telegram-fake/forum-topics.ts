import type { TgMessage } from './types';

/** The only icon colours Telegram accepts for a topic (createForumTopic: "Currently, must be one of
 * 7322096 (0x6FB9F0), 16766590 (0xFFD67E), 13338331 (0xCB86DB), 9367192 (0x8EEE98), 16749490 (0xFF93B2),
 * or 16478047 (0xFB6F5F)"); the default when none is given is the first. */
export const TOPIC_ICON_COLORS = [0x6fb9f0, 0xffd67e, 0xcb86db, 0x8eee98, 0xff93b2, 0xfb6f5f];

export interface ForumTopicRecord {
  /** The topic's message_thread_id: the message id of its `forum_topic_created` service message. */
  threadId: number;
  name: string;
  iconColor: number;
  iconCustomEmojiId?: string;
  /** Who created it (a user or a bot id): the creator may edit, close and reopen it without rights. */
  creatorId: number;
  closed: boolean;
  deleted: boolean;
  creationMessage: TgMessage;
}

/** The topics of one chat (a forum supergroup, or a private chat with a bot that has topics enabled). */
export class ForumTopics {
  private readonly topics = new Map<number, ForumTopicRecord>();

  add(topic: ForumTopicRecord): void {
    this.topics.set(topic.threadId, topic);
  }

  /** A topic that exists and was not deleted. */
  live(threadId: number): ForumTopicRecord | undefined {
    const topic = this.topics.get(threadId);
    return topic && !topic.deleted ? topic : undefined;
  }

  all(): ForumTopicRecord[] {
    return [...this.topics.values()];
  }
}

/** The ForumTopic object createForumTopic returns. */
export function forumTopicObject(topic: ForumTopicRecord): Record<string, unknown> {
  return {
    message_thread_id: topic.threadId,
    name: topic.name,
    icon_color: topic.iconColor,
    ...(topic.iconCustomEmojiId ? { icon_custom_emoji_id: topic.iconCustomEmojiId } : {}),
  };
}
