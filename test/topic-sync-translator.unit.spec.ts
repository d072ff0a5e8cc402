import { DeleteAnswerInTopicCommand } from '../src/application/delete-answer/delete-answer.command';
import { EditAnswerInTopicCommand } from '../src/application/edit-answer/edit-answer.command';
import { AgentReactionCommand } from '../src/application/mirror-reactions/reaction.commands';
import { ManageTopicCommand, TeamGroupHelpCommand } from '../src/application/team-group/team-group.commands';
import { TgUpdate } from '../src/infrastructure/telegram/telegram-update';
import { translateClientUpdate } from '../src/infrastructure/telegram/update-translator';

/** M12/M13: what a client bot hears in a team group that keeps conversations in sync. */
const BOT = 7001;
const GROUP = -1001234567890;
const THREAD = 40;
const ann = { id: 42, is_bot: false, first_name: 'Ann' };
const chat = { id: GROUP, type: 'supergroup', title: 'Support', is_forum: true };
const topicMessage = (fields: Record<string, unknown>) => ({
  message_id: 77,
  date: 0,
  from: ann,
  chat,
  message_thread_id: THREAD,
  is_topic_message: true,
  ...fields,
});
const message = (fields: Record<string, unknown>) => ({ update_id: 11, message: topicMessage(fields) }) as unknown as TgUpdate;
const edited = (fields: Record<string, unknown>) =>
  ({ update_id: 12, edited_message: topicMessage({ edit_date: 1700000000, ...fields }) }) as unknown as TgUpdate;

describe('keeping conversations in sync from a team group: what the client bot hears', () => {
  it('an agent’s edit in a topic is a possible answer’s edit; one that reads as a // note is not', () => {
    const edit = translateClientUpdate(BOT, edited({ text: 'At 9, sorry.' }));
    expect(edit).toBeInstanceOf(EditAnswerInTopicCommand);
    expect(edit).toMatchObject({ botId: BOT, chatId: GROUP, threadId: THREAD, agentId: 42, messageId: 77, editedAt: 1700000000 });
    expect(translateClientUpdate(BOT, edited({ text: '// internal after all' }))).toBeNull();
    expect(translateClientUpdate(BOT, edited({ photo: [], caption: '  // not for them' }))).toBeNull();
    expect(translateClientUpdate(BOT, edited({ is_topic_message: undefined, message_thread_id: undefined, text: 'x' }))).toBeNull();
  });

  it('/delete names the message it replies to; replying only to the topic itself names none', () => {
    const replying = translateClientUpdate(BOT, message({ text: '/delete', reply_to_message: { message_id: 60 } }));
    expect(replying).toBeInstanceOf(DeleteAnswerInTopicCommand);
    expect(replying).toMatchObject({ chatId: GROUP, threadId: THREAD, agentId: 42, answerMessageId: 60 });
    const bare = translateClientUpdate(BOT, message({ text: '/delete@acme_bot', reply_to_message: { message_id: THREAD } }));
    expect(bare).toMatchObject({ answerMessageId: null });
  });

  it('/unban in a topic acts on its conversation; /help anywhere in the group asks for the group’s help', () => {
    expect(translateClientUpdate(BOT, message({ text: '/unban' }))).toBeInstanceOf(ManageTopicCommand);
    expect(translateClientUpdate(BOT, message({ text: '/unban' }))).toMatchObject({ action: 'unban', how: 'command' });
    expect(translateClientUpdate(BOT, message({ text: '/help' }))).toEqual(expect.objectContaining({ chatId: GROUP, threadId: THREAD }));
    const general = translateClientUpdate(BOT, message({ text: '/help', is_topic_message: undefined, message_thread_id: undefined }));
    expect(general).toBeInstanceOf(TeamGroupHelpCommand);
    expect(general).toMatchObject({ threadId: null });
  });

  it('a member’s reaction in the group is a possible mirror, with its first standard emoji; an anonymous one is not', () => {
    const reaction = (user: unknown, emoji: string[]) =>
      ({
        update_id: 13,
        message_reaction: {
          chat,
          message_id: 90,
          ...(user ? { user } : { actor_chat: chat }),
          date: 0,
          old_reaction: [],
          new_reaction: emoji.map((e) => ({ type: 'emoji', emoji: e })),
        },
      }) as unknown as TgUpdate;
    const mirrored = translateClientUpdate(BOT, reaction(ann, ['🔥', '👍']));
    expect(mirrored).toBeInstanceOf(AgentReactionCommand);
    expect(mirrored).toMatchObject({ chatId: GROUP, agentId: 42, messageId: 90, emoji: '🔥' });
    expect(translateClientUpdate(BOT, reaction(ann, []))).toMatchObject({ emoji: null });
    expect(translateClientUpdate(BOT, reaction(null, ['🔥']))).toBeNull();
  });
});
