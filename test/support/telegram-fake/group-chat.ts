import { randomInt } from 'node:crypto';
import { BotApiError, badRequest, forbidden } from './api-error';
import { MessageLog, type ChatEntry } from './message-log';
import type { Json, TgChat, TgUser } from './types';

/** The administrator rights of ChatMemberAdministrator that the fake tracks; all default to false except
 * can_manage_chat ("Implied by any other administrator privilege"). */
export const ADMIN_RIGHTS = [
  'can_manage_chat',
  'can_delete_messages',
  'can_manage_video_chats',
  'can_restrict_members',
  'can_promote_members',
  'can_change_info',
  'can_invite_users',
  'can_post_stories',
  'can_edit_stories',
  'can_delete_stories',
  'can_pin_messages',
  'can_manage_topics',
] as const;

export type AdminRight = (typeof ADMIN_RIGHTS)[number];
export type AdminRights = Partial<Record<AdminRight, boolean>>;

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

export interface Member {
  id: number;
  isBot: boolean;
  status: MemberStatus;
  rights: AdminRights;
}

const PRESENT: ReadonlySet<MemberStatus> = new Set(['creator', 'administrator', 'member']);

/** A basic group or a supergroup (optionally a forum). Unlike a private chat it is one chat shared by all
 * its members, bots included: one message-id sequence, one set of topics. */
export class GroupChat extends MessageLog {
  readonly members = new Map<number, Member>();
  /** Set once a basic group was upgraded: the old id answers 400 with `migrate_to_chat_id` from then on. */
  migratedTo?: number;

  constructor(
    readonly id: number,
    readonly title: string,
    readonly type: 'group' | 'supergroup',
    public isForum: boolean,
  ) {
    super();
  }

  tgChat(): TgChat {
    return { id: this.id, title: this.title, type: this.type, ...(this.isForum ? { is_forum: true as const } : {}) };
  }

  member(id: number): Member | undefined {
    return this.members.get(id);
  }

  isPresent(id: number): boolean {
    const status = this.members.get(id)?.status;
    return status !== undefined && PRESENT.has(status);
  }

  isAdmin(id: number): boolean {
    const status = this.members.get(id)?.status;
    return status === 'creator' || status === 'administrator';
  }

  /** The creator holds every right; an administrator only those granted. */
  can(id: number, right: AdminRight): boolean {
    const member = this.members.get(id);
    return member?.status === 'creator' || (member?.status === 'administrator' && member.rights[right] === true);
  }

  /** A bot may only act in a group it is in: "bot was kicked from the supergroup chat", or "bot is not a
   * member of the group chat" once it left or was never added. */
  requireMember(botId: number): void {
    const status = this.members.get(botId)?.status;
    const kind = this.type === 'supergroup' ? 'supergroup chat' : 'group chat';
    if (status === 'kicked') throw forbidden(`bot was kicked from the ${kind}`);
    if (!status || !PRESENT.has(status)) throw forbidden(`bot is not a member of the ${kind}`);
  }

  /**
   * The bots a user's message reaches. Privacy mode (on by default for every bot, and in the fake always):
   * "Bot admins and bots with privacy mode disabled will receive all messages"; others get only commands,
   * replies to their own messages and service messages. A bot never receives its own messages nor other
   * bots' ("Bots talking to each other could potentially get stuck in unwelcome loops").
   */
  recipients(entry: ChatEntry, service: boolean): number[] {
    const { message } = entry;
    const senderId = message.from?.id;
    const explicitReply = message.reply_to_message && !message.reply_to_message.forum_topic_created ? message.reply_to_message : undefined;
    return [...this.members.values()]
      .filter((m) => m.isBot && m.id !== senderId && this.isPresent(m.id) && !message.from?.is_bot)
      .filter((m) => service || this.isAdmin(m.id) || isCommand(message.text) || explicitReply?.from?.id === m.id)
      .map((m) => m.id);
  }

  memberObject(member: Member, user: TgUser): Json {
    const base: Json = { user, status: member.status };
    if (member.status === 'kicked') return { ...base, until_date: 0 };
    if (member.status === 'creator') return { ...base, is_anonymous: false };
    if (member.status !== 'administrator') return base;
    const rights = Object.fromEntries(ADMIN_RIGHTS.map((right) => [right, right === 'can_manage_chat' || member.rights[right] === true]));
    return { ...base, can_be_edited: false, is_anonymous: false, ...rights };
  }
}

function isCommand(text: string | undefined): boolean {
  return typeof text === 'string' && /^\/[A-Za-z0-9_]+/.test(text);
}

export class GroupStore {
  private readonly groups = new Map<number, GroupChat>();

  create(options: { title: string; type: 'group' | 'supergroup'; forum: boolean }): GroupChat {
    if (options.forum && options.type !== 'supergroup') throw new Error('only supergroups can have topics');
    let id: number;
    do
      id =
        options.type === 'supergroup'
          ? -(1_000_000_000_000 + randomInt(1_000_000_000, 9_999_999_999))
          : -randomInt(100_000_000, 999_999_999);
    while (this.groups.has(id));
    const group = new GroupChat(id, options.title, options.type, options.forum);
    this.groups.set(id, group);
    return group;
  }

  find(id: number): GroupChat | undefined {
    return this.groups.get(id);
  }

  /** A basic group upgraded to a supergroup: a new chat with a new id and the same members; the old id is
   * refused from then on with `migrate_to_chat_id`. */
  upgrade(group: GroupChat): GroupChat {
    if (group.type !== 'group' || group.migratedTo !== undefined) throw new Error(`group ${group.id} is not a basic group`);
    const supergroup = this.create({ title: group.title, type: 'supergroup', forum: false });
    for (const [id, member] of group.members) supergroup.members.set(id, { ...member, rights: { ...member.rights } });
    group.migratedTo = supergroup.id;
    return supergroup;
  }

  /** A test-control lookup: a mistake in the test, not an API error. */
  get(id: number): GroupChat {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no group with id ${id}; create it with groups.create() first`);
    return group;
  }

  require(botId: number, id: number): GroupChat {
    const group = this.groups.get(id);
    if (!group) throw badRequest('chat not found');
    if (group.migratedTo !== undefined) {
      throw new BotApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: group.migratedTo });
    }
    group.requireMember(botId);
    return group;
  }
}
