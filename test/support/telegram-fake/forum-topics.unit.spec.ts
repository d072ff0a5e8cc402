import { startFakeWorld, type FakeWorld } from './fixtures';
import type { FakeUser } from './registry';
import type { Json } from './types';

describe('TelegramBotApiFake forum topics, edits, deletions and reactions in groups', () => {
  let world: FakeWorld;
  let owner: FakeUser;
  let group: number;
  const ok = (method: string, params: Json = {}, token = world.bot.token) => world.client.result(token, method, params);
  const error = (method: string, params: Json = {}, token = world.bot.token) => world.client.failure(token, method, params);
  const drain = async (token = world.bot.token, allowed?: string[]): Promise<Json[]> => {
    const batch: Json[] = await ok('getUpdates', allowed ? { allowed_updates: allowed } : {}, token);
    if (batch.length) await ok('getUpdates', { offset: Number(batch[batch.length - 1].update_id) + 1 }, token);
    return batch;
  };

  beforeEach(async () => {
    world = await startFakeWorld();
    owner = world.fake.createUser({ firstName: 'Olga', username: 'olga' });
    group = world.fake.groups.create({ title: 'Support team', creatorId: owner.id, forum: true, memberIds: [world.alice.id] }).id;
    world.fake.groups.addsBot(group, owner.id, world.bot.id, { can_manage_topics: true, can_delete_messages: true });
    await drain();
  });

  afterEach(() => world.fake.stop());

  it('creates a topic: checks the name, the icon colour, the forum and the right, and posts forum_topic_created', async () => {
    const { fake, bot } = world;
    expect(await error('createForumTopic', { chat_id: group, name: '' })).toEqual([400, 'Bad Request: TOPIC_TITLE_EMPTY']);
    expect(await error('createForumTopic', { chat_id: group, name: 'x'.repeat(129) })).toEqual([400, 'Bad Request: TOPIC_TITLE_TOO_LONG']);
    expect(await error('createForumTopic', { chat_id: group, name: 'Alice', icon_color: 0x123456 })).toEqual([
      400,
      'Bad Request: TOPIC_ICON_COLOR_INVALID',
    ]);
    const topic = await ok('createForumTopic', { chat_id: group, name: 'x'.repeat(128), icon_color: 0xff93b2 });
    expect(topic).toEqual({ message_thread_id: expect.any(Number), name: 'x'.repeat(128), icon_color: 0xff93b2 });
    const created = fake.messagesInChat(bot.id, group).find((e) => e.messageId === topic.message_thread_id)?.message;
    expect(created).toMatchObject({ forum_topic_created: { name: 'x'.repeat(128), icon_color: 0xff93b2 }, from: { id: bot.id } });
    expect(await error('deleteMessage', { chat_id: group, message_id: topic.message_thread_id })).toEqual([
      400,
      "Bad Request: message can't be deleted",
    ]);
    const plain = fake.groups.create({ title: 'No topics', creatorId: owner.id }).id;
    fake.groups.addsBot(plain, owner.id, bot.id, { can_manage_topics: true });
    expect(await error('createForumTopic', { chat_id: plain, name: 'Alice' })).toEqual([400, 'Bad Request: the chat is not a forum']);
    fake.groups.demotesBot(group, owner.id, bot.id);
    expect(await error('createForumTopic', { chat_id: group, name: 'Alice' })).toEqual([
      400,
      'Bad Request: not enough rights to create a topic',
    ]);
  });

  it('posts into a topic and a user writes there: message_thread_id, is_topic_message, reply_to_message the creation message', async () => {
    const { fake, bot } = world;
    const { message_thread_id: thread } = await ok('createForumTopic', { chat_id: group, name: 'Alice · @client_one_bot' });
    const card = await ok('sendMessage', { chat_id: group, message_thread_id: thread, text: 'Customer card' });
    expect(card).toMatchObject({
      message_thread_id: thread,
      is_topic_message: true,
      reply_to_message: { message_id: thread, forum_topic_created: {} },
    });
    expect(fake.sent(bot.id, group).at(-1)).toMatchObject({ threadId: thread, text: 'Customer card' });
    const answer = fake.groups.sends(group, owner.id, 'We will ship tomorrow', { threadId: thread });
    expect(answer.message).toMatchObject({
      message_thread_id: thread,
      is_topic_message: true,
      reply_to_message: { message_id: thread, forum_topic_created: { name: 'Alice · @client_one_bot' } },
      from: { id: owner.id },
    });
    const [update] = await drain();
    expect(update.message).toMatchObject({ message_id: answer.messageId, message_thread_id: thread });
    const reply = await ok('sendMessage', { chat_id: group, text: 'noted', reply_parameters: { message_id: answer.messageId } });
    expect(reply).toMatchObject({ message_thread_id: thread, reply_to_message: { message_id: answer.messageId } });
    expect((await ok('sendMessage', { chat_id: group, text: 'in General' })).message_thread_id).toBeUndefined();
  });

  it('a topic deleted by hand or by the bot is "message thread not found", with its messages gone', async () => {
    const { fake, bot } = world;
    const { message_thread_id: first } = await ok('createForumTopic', { chat_id: group, name: 'Alice' });
    const { message_thread_id: second } = await ok('createForumTopic', { chat_id: group, name: 'Bob' });
    const inFirst = await ok('sendMessage', { chat_id: group, message_thread_id: first, text: 'hello' });
    fake.groups.deletesTopic(group, first);
    expect(await error('sendMessage', { chat_id: group, message_thread_id: first, text: 'again' })).toEqual([
      400,
      'Bad Request: message thread not found',
    ]);
    expect(await error('sendMessage', { chat_id: group, message_thread_id: 999, text: 'nowhere' })).toEqual([
      400,
      'Bad Request: message thread not found',
    ]);
    expect(fake.messagesInChat(bot.id, group).find((e) => e.messageId === inFirst.message_id)?.deleted).toBe(true);
    expect(() => fake.groups.sends(group, owner.id, 'hi', { threadId: first })).toThrow(/no topic/);
    expect(await ok('deleteForumTopic', { chat_id: group, message_thread_id: second })).toBe(true);
    expect(await error('deleteForumTopic', { chat_id: group, message_thread_id: second })).toEqual([
      400,
      'Bad Request: message thread not found',
    ]);
    expect(fake.groups.topics(group).map((t) => [t.name, t.deleted])).toEqual([
      ['Alice', true],
      ['Bob', true],
    ]);
  });

  it('closes and reopens a topic; only who may manage topics posts into a closed one; rights are checked', async () => {
    const { fake, bot } = world;
    const { message_thread_id: thread } = await ok('createForumTopic', { chat_id: group, name: 'Alice' });
    const helper = fake.createBot({ username: 'helper_bot' });
    fake.groups.addsBot(group, owner.id, helper.id);
    expect(await ok('closeForumTopic', { chat_id: group, message_thread_id: thread })).toBe(true);
    expect(await error('closeForumTopic', { chat_id: group, message_thread_id: thread })).toEqual([400, 'Bad Request: TOPIC_NOT_MODIFIED']);
    expect(fake.messagesInChat(bot.id, group).at(-1)?.message).toMatchObject({ forum_topic_closed: {}, message_thread_id: thread });
    expect((await ok('sendMessage', { chat_id: group, message_thread_id: thread, text: 'admins may' })).message_thread_id).toBe(thread);
    expect(await error('sendMessage', { chat_id: group, message_thread_id: thread, text: 'members may not' }, helper.token)).toEqual([
      400,
      'Bad Request: TOPIC_CLOSED',
    ]);
    expect(() => fake.groups.sends(group, world.alice.id, 'hello?', { threadId: thread })).toThrow(/closed/);
    expect(await error('reopenForumTopic', { chat_id: group, message_thread_id: thread }, helper.token)).toEqual([
      400,
      'Bad Request: not enough rights to manage topics',
    ]);
    expect(await error('deleteForumTopic', { chat_id: group, message_thread_id: thread }, helper.token)).toEqual([
      400,
      'Bad Request: not enough rights to delete the topic',
    ]);
    expect(await ok('reopenForumTopic', { chat_id: group, message_thread_id: thread })).toBe(true);
    expect((await ok('sendMessage', { chat_id: group, message_thread_id: thread, text: 'open again' }, helper.token)).text).toBe(
      'open again',
    );
    expect(await ok('editForumTopic', { chat_id: group, message_thread_id: thread, name: 'Alice (closed case)' })).toBe(true);
    expect(fake.groups.topics(group)[0].name).toBe('Alice (closed case)');
  });

  it('edits and deletes in a topic: own messages only, others’ with can_delete_messages; user edits reach the bots that saw them', async () => {
    const { fake, bot } = world;
    const other = fake.createBot({ username: 'other_bot' });
    fake.groups.addsBot(group, owner.id, other.id);
    const { message_thread_id: thread } = await ok('createForumTopic', { chat_id: group, name: 'Alice' });
    const mine = await ok('sendMessage', { chat_id: group, message_thread_id: thread, text: 'draft' });
    const edited = await ok('editMessageText', { chat_id: group, message_id: mine.message_id, text: 'final' });
    expect(edited).toMatchObject({ text: 'final', message_thread_id: thread, edit_date: expect.any(Number) });
    expect(await error('editMessageText', { chat_id: group, message_id: mine.message_id, text: 'theirs' }, other.token)).toEqual([
      400,
      "Bad Request: message can't be edited",
    ]);
    expect(await error('deleteMessage', { chat_id: group, message_id: mine.message_id }, other.token)).toEqual([
      400,
      "Bad Request: message can't be deleted",
    ]);
    const photo = await ok('sendPhoto', {
      chat_id: group,
      message_thread_id: thread,
      photo: fake.userSends(bot.id, world.alice.id, { photo: Buffer.from('png') }).message.photo![0].file_id,
    });
    expect((await ok('editMessageCaption', { chat_id: group, message_id: photo.message_id, caption: 'receipt' })).caption).toBe('receipt');
    const said = fake.groups.sends(group, owner.id, 'ship it', { threadId: thread });
    await drain();
    const change = fake.groups.edits(group, owner.id, said.messageId, 'ship it today');
    expect([...change.keys()]).toEqual([bot.id]);
    expect((await drain())[0].edited_message).toMatchObject({ text: 'ship it today', message_thread_id: thread, is_topic_message: true });
    expect(await ok('deleteMessage', { chat_id: group, message_id: said.messageId })).toBe(true);
    expect(await ok('deleteMessage', { chat_id: group, message_id: mine.message_id })).toBe(true);
  });

  it('delivers message_reaction only to administrator bots that asked for it; setMessageReaction works in a group', async () => {
    const { fake, bot, alice } = world;
    const member = fake.createBot({ username: 'member_bot' });
    fake.groups.addsBot(group, owner.id, member.id);
    await drain(member.token, ['message', 'message_reaction']);
    const said = fake.groups.sends(group, alice.id, '/help');
    await drain();
    await drain(member.token);
    fake.groups.reactsInGroup(group, owner.id, said.messageId, ['👍']);
    expect(await drain()).toEqual([]);
    await drain(bot.token, ['message', 'message_reaction']);
    fake.groups.reactsInGroup(group, owner.id, said.messageId, ['🔥']);
    const [reaction] = await drain();
    expect(reaction.message_reaction).toMatchObject({
      chat: { id: group },
      message_id: said.messageId,
      user: { id: owner.id },
      old_reaction: [{ type: 'emoji', emoji: '👍' }],
      new_reaction: [{ type: 'emoji', emoji: '🔥' }],
    });
    expect(await drain(member.token)).toEqual([]);
    expect(await ok('setMessageReaction', { chat_id: group, message_id: said.messageId, reaction: [{ type: 'emoji', emoji: '👍' }] })).toBe(
      true,
    );
    expect(fake.reactions(bot.id, group, said.messageId)).toEqual(['👍']);
    fake.userSends(bot.id, alice.id, 'hi');
    await drain();
    fake.userReacts(bot.id, alice.id, 1, ['❤']);
    expect((await drain())[0].message_reaction).toMatchObject({ chat: { id: alice.id, type: 'private' }, new_reaction: [{ emoji: '❤' }] });
  });

  it('models topics in private chats (Bot API 9.3 has_topics_enabled) only for a bot that has them', async () => {
    const { fake, alice } = world;
    expect((await ok('getMe')).has_topics_enabled).toBe(false);
    fake.userSends(world.bot.id, alice.id, 'hi');
    expect(await error('createForumTopic', { chat_id: alice.id, name: 'Order 1' })).toEqual([400, 'Bad Request: the chat is not a forum']);
    expect(await error('sendMessage', { chat_id: alice.id, message_thread_id: 5, text: 'x' })).toEqual([
      400,
      'Bad Request: message thread not found',
    ]);
    const topical = fake.createBot({ username: 'topical_bot', topicsInPrivateChats: true });
    expect((await ok('getMe', {}, topical.token)).has_topics_enabled).toBe(true);
    fake.userSends(topical.id, alice.id, 'hi');
    const { message_thread_id: thread } = await ok('createForumTopic', { chat_id: alice.id, name: 'Order 1' }, topical.token);
    const sent = await ok('sendMessage', { chat_id: alice.id, message_thread_id: thread, text: 'about your order' }, topical.token);
    expect(sent).toMatchObject({ chat: { type: 'private' }, message_thread_id: thread, is_topic_message: true });
  });

  it('lets a user write in a topic of their private chat with a bot that has topics, or by replying into one', async () => {
    const { fake, alice } = world;
    const topical = fake.createBot({ username: 'topical_bot', topicsInPrivateChats: true });
    fake.userSends(topical.id, alice.id, 'hi');
    const { message_thread_id: thread } = await ok('createForumTopic', { chat_id: alice.id, name: 'Order 1' }, topical.token);
    const inTopic = fake.userSends(topical.id, alice.id, { text: 'about order 1', threadId: thread }).message;
    expect(inTopic).toMatchObject({
      message_thread_id: thread,
      is_topic_message: true,
      reply_to_message: { forum_topic_created: { name: 'Order 1' } },
    });
    const sent = await ok('sendMessage', { chat_id: alice.id, message_thread_id: thread, text: 'noted' }, topical.token);
    const reply = fake.userSends(topical.id, alice.id, { text: 'thanks', replyToMessageId: sent.message_id }).message;
    expect(reply).toMatchObject({ message_thread_id: thread, is_topic_message: true, reply_to_message: { message_id: sent.message_id } });
    expect(fake.privateTopics(topical.id, alice.id)).toEqual([{ threadId: thread, name: 'Order 1', deleted: false }]);
    expect(() => fake.userSends(topical.id, alice.id, { text: 'x', threadId: 999 })).toThrow('has no topic 999');
    expect(() => fake.userSends(world.bot.id, alice.id, { text: 'x', threadId: thread })).toThrow('has no topics in private chats');
  });
});
