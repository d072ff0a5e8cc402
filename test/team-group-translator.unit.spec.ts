import { AnswerInTopicCommand, ConfirmTeamGroupCommand, ConnectTeamGroupCommand } from '../src/application/team-group/team-group.commands';
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
    expect(translateClientUpdate(BOT, inTopic({ forum_topic_closed: {} }))).toBeNull();
    expect(translateClientUpdate(BOT, groupMessage({ text: 'hello all' }))).toBeNull();
  });

  it('ignores other bots and group membership changes, and leaves private chats to the customer translation', () => {
    expect(translateClientUpdate(BOT, inTopic({ text: 'beep', from: { id: 9, is_bot: true, first_name: 'Bot' } }))).toBeNull();
    const kicked = {
      update_id: 12,
      my_chat_member: {
        chat: { id: GROUP, type: 'supergroup' },
        from: { id: 42, first_name: 'Ann' },
        new_chat_member: { status: 'kicked' },
      },
    };
    expect(translateClientUpdate(BOT, kicked as unknown as TgUpdate)).toBeNull();
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
