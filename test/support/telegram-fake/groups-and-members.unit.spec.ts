import { startFakeWorld, type FakeWorld } from './fixtures';
import type { FakeUser } from './registry';
import type { Json } from './types';

describe('TelegramBotApiFake groups: members, rights, privacy, migration, flood limit', () => {
  let world: FakeWorld;
  let owner: FakeUser;
  let group: number;
  const ok = (method: string, params: Json = {}, token = world.bot.token) => world.client.result(token, method, params);
  const error = (method: string, params: Json = {}, token = world.bot.token) => world.client.failure(token, method, params);
  const updates = async (token = world.bot.token): Promise<Json[]> => {
    const batch: Json[] = await ok('getUpdates', {}, token);
    if (batch.length) await ok('getUpdates', { offset: Number(batch[batch.length - 1].update_id) + 1 }, token);
    return batch;
  };

  beforeEach(async () => {
    world = await startFakeWorld();
    owner = world.fake.createUser({ firstName: 'Olga', username: 'olga' });
    group = world.fake.groups.create({ title: 'Support team', creatorId: owner.id, forum: true, memberIds: [world.alice.id] }).id;
  });

  afterEach(() => world.fake.stop());

  it('a user adds the bot as an administrator: my_chat_member from "left", and getChat, getChatMember, getChatAdministrators agree', async () => {
    const { fake, bot } = world;
    expect(group).toBeLessThan(-1_000_000_000_000);
    const added = fake.groups.addsBot(group, owner.id, bot.id, { can_manage_topics: true, can_delete_messages: true });
    expect(added.update.my_chat_member).toMatchObject({
      chat: { id: group, type: 'supergroup', title: 'Support team', is_forum: true },
      from: { id: owner.id },
      old_chat_member: { status: 'left', user: { id: bot.id, is_bot: true } },
      new_chat_member: {
        status: 'administrator',
        can_manage_topics: true,
        can_delete_messages: true,
        can_pin_messages: false,
        can_manage_chat: true,
      },
    });
    const [myChatMember, joined] = await updates();
    expect(myChatMember.my_chat_member).toBeDefined();
    expect(joined.message).toMatchObject({ new_chat_members: [{ id: bot.id }], chat: { id: group } });
    expect(await ok('getChat', { chat_id: group })).toMatchObject({ id: group, type: 'supergroup', is_forum: true, title: 'Support team' });
    expect(await ok('getChatMember', { chat_id: group, user_id: bot.id })).toMatchObject({
      status: 'administrator',
      can_manage_topics: true,
    });
    expect(await ok('getChatMember', { chat_id: group, user_id: world.alice.id })).toMatchObject({
      status: 'member',
      user: { first_name: 'Alice' },
    });
    const admins: Json[] = await ok('getChatAdministrators', { chat_id: group });
    expect(admins.map((m) => [(m.user as Json).id, m.status])).toEqual([
      [owner.id, 'creator'],
      [bot.id, 'administrator'],
    ]);
  });

  it('refuses a user it does not know, a chat it is not in, and tells a kicked bot so', async () => {
    const { fake, bot } = world;
    expect(await error('sendMessage', { chat_id: group, text: 'hi' })).toEqual([
      403,
      'Forbidden: bot is not a member of the supergroup chat',
    ]);
    expect(await error('sendMessage', { chat_id: -1009999999999, text: 'hi' })).toEqual([400, 'Bad Request: chat not found']);
    fake.groups.addsBot(group, owner.id, bot.id);
    expect(await error('getChatMember', { chat_id: group, user_id: 555 })).toEqual([400, 'Bad Request: user not found']);
    const promoted = fake.groups.promotesBot(group, owner.id, bot.id, { can_manage_topics: true });
    expect(promoted.update.my_chat_member).toMatchObject({
      old_chat_member: { status: 'member' },
      new_chat_member: { status: 'administrator' },
    });
    const demoted = fake.groups.demotesBot(group, owner.id, bot.id);
    expect(demoted.update.my_chat_member).toMatchObject({
      old_chat_member: { status: 'administrator' },
      new_chat_member: { status: 'member' },
    });
    expect((await ok('sendMessage', { chat_id: group, text: 'hello team' })).chat).toMatchObject({ id: group, type: 'supergroup' });
    const kicked = fake.groups.kicksBot(group, owner.id, bot.id);
    expect(kicked.update.my_chat_member).toMatchObject({ new_chat_member: { status: 'kicked', until_date: 0 } });
    expect(await error('sendMessage', { chat_id: group, text: 'still here?' })).toEqual([
      403,
      'Forbidden: bot was kicked from the supergroup chat',
    ]);
    expect(() => fake.groups.addsBot(group, world.alice.id, bot.id)).toThrow(/not an administrator/);
  });

  it('privacy mode: a member bot gets commands and replies to it, an administrator bot every message, no bot another bot’s', async () => {
    const { fake, bot, client } = world;
    const admin = fake.createBot({ username: 'team_admin_bot' });
    fake.groups.addsBot(group, owner.id, bot.id);
    fake.groups.addsBot(group, owner.id, admin.id, { can_manage_topics: true });
    await updates();
    await updates(admin.token);
    const chatter = fake.groups.sends(group, world.alice.id, 'hello everyone');
    expect([...chatter.updates.keys()]).toEqual([admin.id]);
    expect(fake.groups.sends(group, world.alice.id, '/status').updates.size).toBe(2);
    const fromBot = await ok('sendMessage', { chat_id: group, text: 'I am the member bot' });
    const reply = fake.groups.sends(group, world.alice.id, 'thanks', { replyToMessageId: fromBot.message_id });
    expect([...reply.updates.keys()].sort()).toEqual([bot.id, admin.id].sort());
    expect((await updates()).map((u) => (u.message as Json).text)).toEqual(['/status', 'thanks']);
    expect((await updates(admin.token)).map((u) => (u.message as Json).text)).toEqual(['hello everyone', '/status', 'thanks']);
    expect(await client.result(admin.token, 'getUpdates')).toEqual([]);
  });

  it('follows a basic group upgraded to a supergroup: service messages both sides, the old id answers with migrate_to_chat_id', async () => {
    const { fake, bot, client } = world;
    const basic = fake.groups.create({ title: 'Shop', creatorId: owner.id, type: 'group' }).id;
    expect(basic).toBeGreaterThan(-1_000_000_000);
    fake.groups.addsBot(basic, owner.id, bot.id);
    expect((await ok('sendMessage', { chat_id: basic, text: 'before the upgrade' })).chat).toMatchObject({ id: basic, type: 'group' });
    const { id: supergroup } = fake.groups.upgrades(basic, owner.id);
    const service = (await updates()).map((u) => u.message as Json).filter((m) => m && (m.migrate_to_chat_id || m.migrate_from_chat_id));
    expect(service).toEqual([
      expect.objectContaining({ chat: expect.objectContaining({ id: basic, type: 'group' }), migrate_to_chat_id: supergroup }),
      expect.objectContaining({ chat: expect.objectContaining({ id: supergroup, type: 'supergroup' }), migrate_from_chat_id: basic }),
    ]);
    expect(await error('sendMessage', { chat_id: basic, text: 'hello?' })).toEqual([
      400,
      'Bad Request: group chat was upgraded to a supergroup chat',
    ]);
    expect(await client.failureParameters(bot.token, 'sendMessage', { chat_id: basic, text: 'hello?' })).toEqual({
      migrate_to_chat_id: supergroup,
    });
    expect((await ok('sendMessage', { chat_id: supergroup, text: 'hello!' })).chat.id).toBe(supergroup);
  });

  it('counts the group flood limit per bot and group: the 21st message in a minute is a 429, another group is unaffected', async () => {
    const { fake, bot } = world;
    fake.setRateLimits({ perGroupPerMinute: 20 });
    const other = fake.groups.create({ title: 'Other team', creatorId: owner.id }).id;
    fake.groups.addsBot(group, owner.id, bot.id);
    fake.groups.addsBot(other, owner.id, bot.id);
    for (let i = 1; i <= 20; i++) await ok('sendMessage', { chat_id: group, text: `#${i}` });
    const [status, description] = await error('sendMessage', { chat_id: group, text: '#21' });
    expect(status).toBe(429);
    expect(Number(/retry after (\d+)/.exec(description)?.[1])).toBeGreaterThan(1);
    expect((await ok('sendMessage', { chat_id: other, text: 'fine' })).text).toBe('fine');
    fake.userSends(bot.id, world.alice.id, 'hi');
    for (let i = 1; i <= 25; i++) await ok('sendMessage', { chat_id: world.alice.id, text: `private #${i}` });
  });
});
