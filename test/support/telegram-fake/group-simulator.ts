import { ChatState, type Chat, type ChatEntry } from './chat-store';
import { commandEntities, MAX_TEXT_LENGTH } from './formatted-text';
import { TOPIC_ICON_COLORS } from './forum-topics';
import { GroupChat, type AdminRights, type Member, type MemberStatus } from './group-chat';
import { withoutReply } from './message-posting';
import { unixNow, type FakeState } from './method-context';
import { botUser, tgUser, type BotRecord } from './registry';
import type { BotRef, Json, TgMessage, TgUpdate, UserAction } from './types';
import type { ForumTopicRecord } from './forum-topics';

export interface GroupMessageAction {
  messageId: number;
  message: TgMessage;
  /** The update each bot got, by bot id: only the bots that see the message (see GroupChat.recipients). */
  updates: Map<number, number>;
}

/** What users do in groups in their Telegram apps: create a group, add, promote, demote and kick a bot, write
 * (in topics too), edit, react, close and delete topics, upgrade a basic group. Misuse throws a plain Error. */
export class GroupSimulator {
  constructor(
    private readonly state: FakeState,
    private readonly typed: string[],
  ) {}

  create(options: { title: string; creatorId: number; forum?: boolean; type?: 'group' | 'supergroup'; memberIds?: number[] }): {
    id: number;
  } {
    const type = options.type ?? 'supergroup';
    const group = this.state.chats.groups.create({ title: options.title, type, forum: options.forum ?? false });
    this.state.registry.user(options.creatorId);
    group.members.set(options.creatorId, { id: options.creatorId, isBot: false, status: 'creator', rights: {} });
    for (const id of options.memberIds ?? []) this.join(group.id, id);
    return { id: group.id };
  }

  join(groupId: number, userId: number): void {
    this.state.registry.user(userId);
    this.state.chats.groups.get(groupId).members.set(userId, { id: userId, isBot: false, status: 'member', rights: {} });
  }

  /** Adding a bot (as a member, or straight as an administrator with `rights`) reaches it as my_chat_member
   * from "left" and, like in Telegram, as a `new_chat_members` service message. */
  addsBot(groupId: number, byUserId: number, botRef: BotRef, rights?: AdminRights): UserAction {
    const group = this.state.chats.groups.get(groupId);
    const bot = this.state.registry.bot(botRef);
    const action = this.changeBot(group, byUserId, bot, rights ? 'administrator' : 'member', rights ?? {});
    this.post(group, byUserId, { new_chat_members: [botUser(bot)], new_chat_member: botUser(bot) }, true);
    return action;
  }

  promotesBot(groupId: number, byUserId: number, botRef: BotRef, rights: AdminRights): UserAction {
    return this.changeBot(this.state.chats.groups.get(groupId), byUserId, this.state.registry.bot(botRef), 'administrator', rights);
  }

  demotesBot(groupId: number, byUserId: number, botRef: BotRef): UserAction {
    return this.changeBot(this.state.chats.groups.get(groupId), byUserId, this.state.registry.bot(botRef), 'member', {});
  }

  /** From then on the bot's calls into the group answer 403 "bot was kicked from the supergroup chat". */
  kicksBot(groupId: number, byUserId: number, botRef: BotRef): UserAction {
    return this.changeBot(this.state.chats.groups.get(groupId), byUserId, this.state.registry.bot(botRef), 'kicked', {});
  }

  sends(groupId: number, userId: number, text: string, options: { threadId?: number; replyToMessageId?: number } = {}): GroupMessageAction {
    const group = this.presentGroup(groupId, userId);
    if (text.trim() === '' || text.length > MAX_TEXT_LENGTH) throw new Error('Telegram apps send 1-4096 characters of text');
    const replyTo = options.replyToMessageId === undefined ? undefined : group.live(options.replyToMessageId)?.message;
    if (options.replyToMessageId !== undefined && !replyTo) throw new Error(`group ${groupId} has no message #${options.replyToMessageId}`);
    let envelope: Partial<TgMessage>;
    try {
      envelope = group.threadEnvelope(options.threadId, replyTo);
    } catch {
      throw new Error(`group ${groupId} has no topic ${options.threadId}`);
    }
    const topic = envelope.message_thread_id === undefined ? undefined : group.topics.live(envelope.message_thread_id);
    if (topic?.closed && !group.can(userId, 'can_manage_topics')) throw new Error(`topic ${topic.threadId} is closed to user ${userId}`);
    const entities = commandEntities(text);
    this.typed.push(text);
    const fields = {
      ...envelope,
      ...(replyTo ? { reply_to_message: withoutReply(replyTo) } : {}),
      text,
      ...(entities.length ? { entities } : {}),
    };
    return this.post(group, userId, fields, false);
  }

  /** The edit reaches the bots that got the message, as `edited_message`. */
  edits(groupId: number, userId: number, messageId: number, newText: string): Map<number, number> {
    const group = this.state.chats.groups.get(groupId);
    const entry = group.live(messageId);
    if (!entry || entry.message.from?.id !== userId || entry.message.text === undefined) {
      throw new Error(`group ${groupId} has no text message #${messageId} from user ${userId}`);
    }
    const entities = commandEntities(newText);
    const { entities: _previous, ...unformatted } = entry.message;
    entry.message = { ...unformatted, text: newText, ...(entities.length ? { entities } : {}), edit_date: unixNow() };
    this.typed.push(newText);
    return this.deliver(entry.seenBy ?? new Set(), (updateId) => ({ update_id: updateId, edited_message: entry.message }));
  }

  /** A user's reaction: `message_reaction` to the bot of a private chat, or to the groups' administrator bots
   * ("The bot must be an administrator in the chat and must explicitly specify "message_reaction" in the list
   * of allowed_updates to receive these updates"; the hub drops it for a bot that did not opt in). */
  reactsInGroup(groupId: number, userId: number, messageId: number, emoji: string[]): Map<number, number> {
    return this.reacts(this.state.chats.groups.get(groupId), userId, messageId, emoji);
  }

  reacts(chat: Chat, userId: number, messageId: number, emoji: string[]): Map<number, number> {
    return new Map([...this.reactionUpdates(chat, userId, messageId, emoji)].map(([botId, update]) => [botId, update.update_id]));
  }

  /** The reaction's `message_reaction` update per bot it went to (see `reaction-simulator.ts` for the checks). */
  reactionUpdates(chat: Chat, userId: number, messageId: number, emoji: string[]): Map<number, TgUpdate> {
    const entry = chat.live(messageId);
    if (!entry) throw new Error(`chat ${chat.id} has no message #${messageId}`);
    const old = entry.userReactions.get(userId) ?? [];
    entry.userReactions.set(userId, emoji);
    this.state.journal.changed();
    const asReactions = (list: string[]) => list.map((e) => ({ type: 'emoji', emoji: e }));
    const user = tgUser(this.state.registry.user(userId));
    const bots =
      chat instanceof ChatState ? [chat.botId] : [...chat.members.values()].filter((m) => m.isBot && chat.isAdmin(m.id)).map((m) => m.id);
    const reaction = {
      chat: chat.tgChat(),
      message_id: messageId,
      user,
      date: unixNow(),
      old_reaction: asReactions(old),
      new_reaction: asReactions(emoji),
    };
    return this.deliverUpdates(new Set(bots), (updateId) => ({ update_id: updateId, message_reaction: reaction }));
  }

  createsTopic(groupId: number, userId: number, name: string): number {
    const group = this.presentGroup(groupId, userId);
    if (!group.isForum) throw new Error(`group ${groupId} has no topics`);
    const created = { name, icon_color: TOPIC_ICON_COLORS[0] };
    const action = this.post(group, userId, { forum_topic_created: created }, true, true);
    const entry = group.live(action.messageId) as ChatEntry;
    group.topics.add({
      threadId: action.messageId,
      name,
      iconColor: created.icon_color,
      creatorId: userId,
      closed: false,
      deleted: false,
      creationMessage: entry.message,
    });
    return action.messageId;
  }

  closesTopic(groupId: number, userId: number, threadId: number): void {
    const group = this.presentGroup(groupId, userId);
    const topic = group.topics.live(threadId);
    if (!topic) throw new Error(`group ${groupId} has no topic ${threadId}`);
    topic.closed = true;
    this.post(group, userId, { message_thread_id: threadId, is_topic_message: true, forum_topic_closed: {} }, true);
  }

  /** Deleting a topic by hand removes it with all its messages and tells no bot (bots get no deletion updates). */
  deletesTopic(groupId: number, threadId: number): void {
    const group = this.state.chats.groups.get(groupId);
    const topic = group.topics.live(threadId);
    if (!topic) throw new Error(`group ${groupId} has no topic ${threadId}`);
    topic.deleted = true;
    for (const entry of group.all()) if (entry.message.message_thread_id === threadId) entry.deleted = true;
    this.state.journal.changed();
  }

  /** A basic group becomes a supergroup with a new id: the old chat gets a `migrate_to_chat_id` service
   * message, the new one a `migrate_from_chat_id` one. Returns the supergroup. */
  upgrades(groupId: number, userId: number): { id: number } {
    const group = this.state.chats.groups.get(groupId);
    const supergroup = this.state.chats.groups.upgrade(group);
    this.post(group, userId, { migrate_to_chat_id: supergroup.id }, true);
    this.post(supergroup, userId, { migrate_from_chat_id: group.id }, true);
    return { id: supergroup.id };
  }

  /** The group as its members see it now: every message with edits applied, deletions flagged. */
  messages(groupId: number): ChatEntry[] {
    return this.state.chats.groups.get(groupId).all();
  }

  /** Every topic ever created in the group, deleted ones flagged. */
  topics(groupId: number): ForumTopicRecord[] {
    return this.state.chats.groups.get(groupId).topics.all();
  }

  memberStatus(groupId: number, id: number): MemberStatus | 'left' {
    return this.state.chats.groups.get(groupId).member(id)?.status ?? 'left';
  }

  private changeBot(group: GroupChat, byUserId: number, bot: BotRecord, status: MemberStatus, rights: AdminRights): UserAction {
    if (!group.isAdmin(byUserId)) throw new Error(`user ${byUserId} is not an administrator of group ${group.id}`);
    const before: Member = group.member(bot.id) ?? { id: bot.id, isBot: true, status: 'left', rights: {} };
    const after: Member = { id: bot.id, isBot: true, status, rights: { ...rights } };
    group.members.set(bot.id, after);
    const change = {
      chat: group.tgChat(),
      from: tgUser(this.state.registry.user(byUserId)),
      date: unixNow(),
      old_chat_member: group.memberObject(before, botUser(bot)),
      new_chat_member: group.memberObject(after, botUser(bot)),
    };
    const update = this.state.hub.push(bot.id, (updateId) => ({ update_id: updateId, my_chat_member: change }));
    this.state.journal.changed();
    return { updateId: update.update_id, update };
  }

  private presentGroup(groupId: number, userId: number): GroupChat {
    const group = this.state.chats.groups.get(groupId);
    if (!group.isPresent(userId)) throw new Error(`user ${userId} is not a member of group ${groupId}`);
    return group;
  }

  private post(group: GroupChat, userId: number, fields: Json, service: boolean, ownThread = false): GroupMessageAction {
    const entry = group.append(false, (messageId) => ({
      message_id: messageId,
      from: tgUser(this.state.registry.user(userId)),
      chat: group.tgChat(),
      date: unixNow(),
      ...(ownThread ? { message_thread_id: messageId, is_topic_message: true as const } : {}),
      ...fields,
    }));
    entry.seenBy = new Set(group.recipients(entry, service));
    const updates = this.deliver(entry.seenBy, (updateId) => ({ update_id: updateId, message: entry.message }));
    return { messageId: entry.messageId, message: entry.message, updates };
  }

  private deliver(bots: Set<number>, build: (updateId: number) => Json): Map<number, number> {
    const updates = new Map<number, number>();
    for (const [botId, update] of this.deliverUpdates(bots, build)) updates.set(botId, update.update_id);
    return updates;
  }

  private deliverUpdates(bots: Set<number>, build: (updateId: number) => Json): Map<number, TgUpdate> {
    const updates = new Map<number, TgUpdate>();
    for (const botId of bots)
      updates.set(
        botId,
        this.state.hub.push(botId, (updateId) => build(updateId) as never),
      );
    return updates;
  }
}
