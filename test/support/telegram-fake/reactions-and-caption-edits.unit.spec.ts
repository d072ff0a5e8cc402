import { pngHeader, startFakeWorld, type FakeWorld } from './fixtures';
import type { Json } from './types';

/**
 * What M13 needs of users beyond messages: reactions as the Bot API has them (users' arrive as `message_reaction`
 * updates, bots set theirs) and caption edits.
 */
describe('TelegramBotApiFake reactions', () => {
  let world: FakeWorld;
  const ok = (token: string, method: string, params: Json = {}) => world.client.result(token, method, params);

  beforeEach(async () => {
    world = await startFakeWorld();
  });

  afterEach(() => world.fake.stop());

  it("a user's reaction reaches a bot that asked for message_reaction updates, with the old and the new reactions", async () => {
    const { fake, bot, alice } = world;
    const { messageId } = fake.userSends(bot.id, alice.id, 'hello');
    await ok(bot.token, 'getUpdates', { offset: -1, allowed_updates: ['message', 'message_reaction'] });

    fake.userReacts(bot.id, alice.id, messageId, ['👍']);
    fake.userReacts(bot.id, alice.id, messageId, ['❤️']);
    fake.userReacts(bot.id, alice.id, messageId, []);

    const updates = (await ok(bot.token, 'getUpdates', { offset: 0 })) as Json[];
    const reactions = updates.flatMap((u) => (u.message_reaction ? [u.message_reaction as Json] : []));
    expect(reactions).toEqual([
      expect.objectContaining({
        message_id: messageId,
        user: expect.objectContaining({ id: alice.id }),
        old_reaction: [],
        new_reaction: [{ type: 'emoji', emoji: '👍' }],
      }),
      expect.objectContaining({ old_reaction: [{ type: 'emoji', emoji: '👍' }], new_reaction: [{ type: 'emoji', emoji: '❤' }] }),
      expect.objectContaining({ old_reaction: [{ type: 'emoji', emoji: '❤' }], new_reaction: [] }),
    ]);
    expect(reactions[0].chat).toEqual(expect.objectContaining({ id: alice.id, type: 'private' }));
  });

  it('a bot that did not ask for message_reaction updates never gets them (they are opt-in)', async () => {
    const { fake, bot, alice } = world;
    const { messageId } = fake.userSends(bot.id, alice.id, 'hello');
    fake.userReacts(bot.id, alice.id, messageId, ['👍']);
    const updates = (await ok(bot.token, 'getUpdates', { offset: 0 })) as Json[];
    expect(updates.map((u) => Object.keys(u).filter((k) => k !== 'update_id')[0])).toEqual(['message']);
  });

  it("a bot's own reaction is set on the message and sends no update; an empty list takes it back", async () => {
    const { fake, bot, alice } = world;
    const { messageId } = fake.userSends(bot.id, alice.id, 'hello');
    await ok(bot.token, 'getUpdates', { offset: -1, allowed_updates: ['message', 'message_reaction'] });
    await ok(bot.token, 'setMessageReaction', { chat_id: alice.id, message_id: messageId, reaction: [{ type: 'emoji', emoji: '🔥' }] });
    expect(fake.reactions(bot.id, alice.id, messageId)).toEqual(['🔥']);
    await ok(bot.token, 'setMessageReaction', { chat_id: alice.id, message_id: messageId, reaction: [] });
    expect(fake.reactions(bot.id, alice.id, messageId)).toEqual([]);
    expect(((await ok(bot.token, 'getUpdates', { offset: 0 })) as Json[]).some((u) => u.message_reaction)).toBe(false);
  });

  it('reacting to a message that does not exist, or with an emoji Telegram does not offer, is a mistake in the test', () => {
    const { fake, bot, alice } = world;
    const { messageId } = fake.userSends(bot.id, alice.id, 'hello');
    expect(() => fake.userReacts(bot.id, alice.id, messageId + 5, ['👍'])).toThrow(/no message/);
    expect(() => fake.userReacts(bot.id, alice.id, messageId, ['✅'])).toThrow(/not a reaction/);
  });

  it("a user's caption edit reaches the bot as an edited_message with the new caption", async () => {
    const { fake, bot, alice } = world;
    const { messageId } = fake.userSends(bot.id, alice.id, { photo: pngHeader(64, 64), caption: 'old' });
    fake.userEditsCaption(bot.id, alice.id, messageId, 'new words');
    const updates = (await ok(bot.token, 'getUpdates', { offset: 0 })) as Json[];
    expect(updates[1].edited_message).toMatchObject({ message_id: messageId, caption: 'new words', edit_date: expect.any(Number) });
    expect(() => fake.userEditsCaption(bot.id, alice.id, messageId + 1, 'x')).toThrow(/no captioned media message/);
  });
});
