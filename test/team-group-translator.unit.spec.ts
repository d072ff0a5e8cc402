import {
  AnswerInTopicCommand,
  ConfirmTeamGroupCommand,
  ConnectTeamGroupCommand,
  GroupMigratedCommand,
  ManageTopicCommand,
  TeamGroupAccessCommand,
} from '../src/application/team-group/team-group.commands';
import { translateClientUpdate, translateMasterUpdate } from '../src/infrastructure/telegram/update-translator';
import { TgUpdate } from '../src/infrastructure/telegram/telegram-update';

const BOT = 7001;
const GROUP = -1001234567890;
const groupMessage = (fields: Record<string, unknown>, chat: Record<string, unknown> = { is_forum: true }): TgUpdate =>
  ({
    update_id: 11,
    message: {
      message_id: 77,
      date: 0,
      from: { id: 42, is_bot: false, first_name: 'Ann' },
      chat: { id: GROUP, type: 'supergroup', title: 'Support', ...chat },
      ...fields,
    },
  }) as unknown as TgUpdate;
const inTopic = (fields: Record<string, unknown>) => groupMessage({ message_thread_id: 40, is_topic_message: true, ...fields });

describe('what a client bot hears in a team group', () => {
  it('/connect asks to link the group, saying whether it has topics and who asked', () => {
    expect(translateClientUpdate(BOT, groupMessage({ text: '/connect' }))).toEqual(
      expect.objectContaining({ botId: BOT, chatId: GROUP, isForum: true, requestedBy: 42 }),
    );
    const plain = translateClientUpdate(BOT, groupMessage({ text: '/connect@acme_team_bot' }, { is_forum: undefined }));
    expect(plain).toBeInstanceOf(ConnectTeamGroupCommand);
    expect(plain).toMatchObject({ isForum: false });
  });

  it('a member’s message in a topic is an answer; a note, a command, a service message or General is not', () => {
    const answer = translateClientUpdate(BOT, inTopic({ text: 'Your parcel leaves today.' }));
    expect(answer).toBeInstanceOf(AnswerInTopicCommand);
    expect(answer).toMatchObject({
      threadId: 40,
      agentId: 42,
      messageId: 77,
      content: { kind: 'text', text: 'Your parcel leaves today.' },
    });
    expect(translateClientUpdate(BOT, inTopic({ text: '// VIP, be nice' }))).toBeNull();
    expect(translateClientUpdate(BOT, inTopic({ text: '/status' }))).toBeNull();
    expect(translateClientUpdate(BOT, inTopic({ forum_topic_created: { name: 'x', icon_color: 0 } }))).toBeNull();
    expect(translateClientUpdate(BOT, groupMessage({ text: 'hello all' }))).toBeNull();
  });

  it('/close, /reopen, /ban in a topic act on its conversation, and so does a topic closed or reopened by hand', () => {
    const acts = (fields: Record<string, unknown>) => translateClientUpdate(BOT, inTopic(fields));
    expect(acts({ text: '/close' })).toBeInstanceOf(ManageTopicCommand);
    expect(acts({ text: '/close' })).toMatchObject({ chatId: GROUP, threadId: 40, agentId: 42, action: 'close', how: 'command' });
    expect(acts({ text: '/reopen@acme_team_bot' })).toMatchObject({ action: 'reopen', how: 'command' });
    expect(acts({ text: '/BAN' })).toMatchObject({ action: 'ban', how: 'command' });
    expect(acts({ forum_topic_closed: {} })).toMatchObject({ action: 'close', how: 'by_hand' });
    expect(acts({ forum_topic_reopened: {} })).toMatchObject({ action: 'reopen', how: 'by_hand' });
    // Outside a topic (General), or with words after it, it is no command of ours.
    expect(translateClientUpdate(BOT, groupMessage({ text: '/close' }))).toBeNull();
    expect(acts({ text: '/ban everyone' })).toBeNull();
  });

  it('a group upgraded to a supergroup says where it went (old chat) or where it came from (new chat)', () => {
    expect(translateClientUpdate(BOT, groupMessage({ migrate_to_chat_id: -1005555 }))).toBeInstanceOf(GroupMigratedCommand);
    expect(translateClientUpdate(BOT, groupMessage({ migrate_to_chat_id: -1005555 }))).toMatchObject({
      fromChatId: GROUP,
      toChatId: -1005555,
    });
    expect(translateClientUpdate(BOT, groupMessage({ migrate_from_chat_id: -4444 }))).toMatchObject({ fromChatId: -4444, toChatId: GROUP });
  });

  it('ignores other bots', () => {
    expect(translateClientUpdate(BOT, inTopic({ text: 'beep', from: { id: 9, is_bot: true, first_name: 'Bot' } }))).toBeNull();
  });

  it('the bot removed, demoted or promoted in a group says whether it can still relay there', () => {
    const becomes = (member: Record<string, unknown>) =>
      translateClientUpdate(BOT, {
        update_id: 12,
        my_chat_member: { chat: { id: GROUP, type: 'supergroup' }, from: { id: 42, first_name: 'Ann' }, new_chat_member: member },
      } as unknown as TgUpdate);
    expect(becomes({ status: 'kicked' })).toBeInstanceOf(TeamGroupAccessCommand);
    expect(becomes({ status: 'kicked' })).toMatchObject({ botId: BOT, chatId: GROUP, loss: 'bot_removed' });
    expect(becomes({ status: 'left' })).toMatchObject({ loss: 'bot_removed' });
    expect(becomes({ status: 'member' })).toMatchObject({ loss: 'missing_rights' });
    expect(becomes({ status: 'administrator', can_manage_topics: false })).toMatchObject({ loss: 'missing_rights' });
    expect(becomes({ status: 'administrator', can_manage_topics: true })).toMatchObject({ loss: null });
  });
});

describe('the master’s answer to “link this group?”', () => {
  it('✅ and ✖️ under the question are the master’s confirmation, naming the bot and the group', () => {
    const press = (data: string) =>
      translateMasterUpdate(5000, {
        update_id: 3,
        callback_query: {
          id: 'q',
          from: { id: 42, first_name: 'Maria' },
          data,
          message: { message_id: 9, chat: { id: 42, type: 'private' } },
        },
      } as unknown as TgUpdate);
    const yes = press(`team:${BOT}:${GROUP}:yes`);
    expect(yes).toBeInstanceOf(ConfirmTeamGroupCommand);
    expect(yes).toMatchObject({ masterId: 42, botId: BOT, chatId: GROUP, accept: true });
    expect(press(`team:${BOT}:${GROUP}:no`)).toMatchObject({ accept: false });
  });
});
