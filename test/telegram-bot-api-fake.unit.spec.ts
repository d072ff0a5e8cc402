import { Telegraf, TelegramError } from 'telegraf';
import type { BotApiClient, CreatedBot, FakeUser, Json, TelegramBotApiFake } from './support/telegram-bot-api.fake';
import { pngHeader as png, startFakeWorld } from './support/telegram-fake/fixtures';

describe('TelegramBotApiFake', () => {
  let fake: TelegramBotApiFake;
  let bot: CreatedBot;
  let alice: FakeUser;
  let client: BotApiClient;
  const api = (token: string, method: string, params: Json = {}) => client.call(token, method, params);
  const ok = (token: string, method: string, params: Json = {}) => client.result(token, method, params);
  const error = (token: string, method: string, params: Json = {}) => client.failure(token, method, params);

  beforeEach(async () => {
    ({ fake, client, bot, alice } = await startFakeWorld());
  });

  afterEach(() => fake.stop());

  describe('tokens and routing', () => {
    it('issues real-format tokens and answers getMe, with methods matched case-insensitively', async () => {
      expect(bot.token).toMatch(/^\d{10}:[A-Za-z0-9_-]{35}$/);
      expect(String(bot.id)).toHaveLength(10);
      const me = await ok(bot.token, 'GETME');
      expect(me).toMatchObject({ id: bot.id, is_bot: true, username: 'client_one_bot', first_name: 'Client One' });
      const viaQuery = await fetch(`${fake.apiRoot}/bot${bot.token}/getMe?x=1`);
      expect(((await viaQuery.json()) as Json).ok).toBe(true);
    });

    it('answers 401 for unknown and revoked tokens and 404 for unknown methods', async () => {
      expect(await error('1234567890:AAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'getMe')).toEqual([401, 'Unauthorized']);
      expect(await error(bot.token, 'sendTelepathy')).toEqual([404, 'Not Found']);
      const fresh = fake.revokeToken(bot.token);
      expect(await error(bot.token, 'getMe')).toEqual([401, 'Unauthorized']);
      expect((await ok(fresh, 'getMe')).id).toBe(bot.id);
      expect(fake.calls.map((c) => [c.method, c.status])).toContainEqual(['sendTelepathy', 404]);
    });
  });

  describe('chats and messages', () => {
    it('counts message ids per chat, so two bots hand out the same ids', async () => {
      const other = fake.createBot({ username: 'client_two_bot' });
      expect(fake.userSends(bot.id, alice.id, 'hi one').messageId).toBe(1);
      expect(fake.userSends(other.username, alice.id, 'hi two').messageId).toBe(1);
      const reply = await ok(bot.token, 'sendMessage', { chat_id: alice.id, text: 'answer', reply_parameters: { message_id: 1 } });
      expect(reply).toMatchObject({ message_id: 2, chat: { id: alice.id, type: 'private', username: 'alice' } });
      expect(reply.reply_to_message.text).toBe('hi one');
      expect((await ok(other.token, 'sendMessage', { chat_id: alice.id, text: 'x' })).message_id).toBe(2);
      expect(fake.sent(bot.id, alice.id)).toEqual([expect.objectContaining({ messageId: 2, text: 'answer', replyToMessageId: 1 })]);
    });

    it('refuses chats the user never opened and users who blocked the bot', async () => {
      expect(await error(bot.token, 'sendMessage', { chat_id: alice.id, text: 'hello' })).toEqual([400, 'Bad Request: chat not found']);
      fake.userSends(bot.token, alice.id, '/start');
      const blocked = fake.userBlocksBot(bot.id, alice.id);
      expect(blocked.update.my_chat_member).toMatchObject({ new_chat_member: { status: 'kicked' } });
      expect(await error(bot.token, 'sendMessage', { chat_id: alice.id, text: 'hello' })).toEqual([
        403,
        'Forbidden: bot was blocked by the user',
      ]);
      fake.userUnblocksBot(bot.id, alice.id);
      await ok(bot.token, 'sendMessage', { chat_id: alice.id, text: 'hello again' });
    });

    it('validates text, captions, replies and markup like Telegram', async () => {
      fake.userSends(bot.id, alice.id, 'hi');
      const send = (params: Json) => error(bot.token, 'sendMessage', { chat_id: alice.id, ...params });
      expect(await send({ text: '  ' })).toEqual([400, 'Bad Request: message text is empty']);
      expect(await send({ text: 'x'.repeat(4097) })).toEqual([400, 'Bad Request: message is too long']);
      expect(await send({ text: 'hi', reply_to_message_id: 99 })).toEqual([400, 'Bad Request: message to be replied not found']);
      expect((await send({ text: 'Hi <Bob>', parse_mode: 'HTML' }))[1]).toMatch(
        /^Bad Request: can't parse entities: Unsupported start tag "bob"/,
      );
      expect((await send({ text: 'v1.0', parse_mode: 'MarkdownV2' }))[1]).toContain("Character '.' is reserved");
      expect(await send({ text: 'x', reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] } })).toEqual([
        400,
        'Bad Request: BUTTON_DATA_INVALID',
      ]);
      const sent = await ok(bot.token, 'sendMessage', {
        chat_id: alice.id,
        text: '<b>Bob</b> &lt;bob&gt;',
        parse_mode: 'HTML',
        reply_parameters: { message_id: 99, allow_sending_without_reply: true },
      });
      expect(sent).toMatchObject({ text: 'Bob <bob>', entities: [{ type: 'bold', offset: 0, length: 3 }] });
      expect(sent.reply_to_message).toBeUndefined();
      const photo = { chat_id: alice.id, photo: fake.userSends(bot.id, alice.id, { photo: png(10, 10) }).message.photo![0].file_id };
      expect(await error(bot.token, 'sendPhoto', { ...photo, caption: 'c'.repeat(1025) })).toEqual([
        400,
        'Bad Request: message caption is too long',
      ]);
    });

    it('edits, deletes and reacts to messages of the right chat only', async () => {
      fake.userSends(bot.id, alice.id, 'question');
      const keyboard = { inline_keyboard: [[{ text: 'Ban', callback_data: 'ban:1' }]] };
      const { message_id } = await ok(bot.token, 'sendMessage', { chat_id: alice.id, text: 'v1', reply_markup: keyboard });
      const edit = { chat_id: alice.id, message_id, text: 'v1', reply_markup: keyboard };
      expect((await error(bot.token, 'editMessageText', edit))[1]).toMatch(/^Bad Request: message is not modified/);
      expect((await ok(bot.token, 'editMessageText', { ...edit, text: 'v2' })).edit_date).toEqual(expect.any(Number));
      expect(await error(bot.token, 'editMessageText', { ...edit, message_id: 1, text: 'x' })).toEqual([
        400,
        "Bad Request: message can't be edited",
      ]);
      const react = (id: number, emoji: string) =>
        api(bot.token, 'setMessageReaction', { chat_id: alice.id, message_id: id, reaction: [{ type: 'emoji', emoji }] });
      expect((await react(1, '✅')).body.description).toBe('Bad Request: REACTION_INVALID');
      expect((await react(77, '👍')).body.description).toBe('Bad Request: message to react not found');
      expect((await react(1, '👍')).body.ok).toBe(true);
      expect(fake.reactions(bot.id, alice.id, 1)).toEqual(['👍']);
      await ok(bot.token, 'deleteMessage', { chat_id: alice.id, message_id: 1 });
      expect(await error(bot.token, 'deleteMessage', { chat_id: alice.id, message_id: 1 })).toEqual([
        400,
        'Bad Request: message to delete not found',
      ]);
      expect(fake.messagesInChat(bot.id, alice.id).map((m) => [m.messageId, m.deleted, m.message.text])).toEqual([
        [1, true, 'question'],
        [2, false, 'v2'],
      ]);
    });

    it('copies and forwards between chats of one bot', async () => {
      const bob = fake.createUser({ firstName: 'Bob' });
      fake.userSends(bot.id, bob.id, 'hello');
      const { messageId } = fake.userSends(bot.id, alice.id, {
        document: { bytes: Buffer.from('pdf'), fileName: 'a.pdf', mimeType: 'application/pdf' },
        caption: 'doc',
      });
      const copy = await ok(bot.token, 'copyMessage', {
        chat_id: bob.id,
        from_chat_id: alice.id,
        message_id: messageId,
        caption: 'from Alice',
      });
      expect(copy).toEqual({ message_id: 2 });
      const forwarded = await ok(bot.token, 'forwardMessage', { chat_id: bob.id, from_chat_id: alice.id, message_id: messageId });
      expect(forwarded.forward_origin).toMatchObject({ type: 'user', sender_user: { id: alice.id } });
      expect(fake.sent(bot.id, bob.id).map((s) => [s.method, s.caption, s.file?.kind])).toEqual([
        ['copyMessage', 'from Alice', 'document'],
        ['forwardMessage', 'doc', 'document'],
      ]);
      expect(await error(bot.token, 'copyMessage', { chat_id: bob.id, from_chat_id: alice.id, message_id: 9 })).toEqual([
        400,
        'Bad Request: message to copy not found',
      ]);
    });
  });

  describe('through Telegraf, the client library the app uses', () => {
    const telegraf = () => new Telegraf(bot.token, { telegram: { apiRoot: fake.apiRoot } });

    it('sends messages and surfaces Telegram errors as TelegramError', async () => {
      const { telegram } = telegraf();
      fake.userSends(bot.id, alice.id, 'hello');
      const message = await telegram.sendMessage(alice.id, 'hi <b>there</b>', { parse_mode: 'HTML', reply_parameters: { message_id: 1 } });
      expect(message).toMatchObject({ message_id: 2, text: 'hi there', reply_to_message: { message_id: 1 } });
      const failure = await telegram.sendMessage(424242, 'nobody').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TelegramError);
      expect(failure).toMatchObject({ code: 400, description: 'Bad Request: chat not found' });
    });

    it('uploads photos and documents as multipart and serves them back', async () => {
      const { telegram } = telegraf();
      fake.userSends(bot.id, alice.id, 'send me something');
      const bytes = Buffer.concat([png(640, 480), Buffer.from('\r\n--binary\r\n\x00\xff tail', 'latin1')]);
      const photo = await telegram.sendPhoto(alice.id, { source: bytes }, { caption: 'a *picture*', parse_mode: 'Markdown' });
      expect(photo.caption).toBe('a picture');
      expect(photo.photo.map((p) => [p.width, p.height])).toEqual([
        [90, 68],
        [640, 480],
      ]);
      const link = await telegram.getFileLink(photo.photo[1].file_id);
      expect(Buffer.from(await (await fetch(link)).arrayBuffer())).toEqual(bytes);
      const doc = await telegram.sendDocument(alice.id, { source: Buffer.from('%PDF-1.4'), filename: 'report.pdf' });
      expect(doc.document).toMatchObject({ file_name: 'report.pdf', mime_type: 'application/pdf', file_size: 8 });
      expect(fake.sent(bot.token).map((s) => [s.method, s.file?.kind, s.file?.size])).toEqual([
        ['sendPhoto', 'photo', bytes.length],
        ['sendDocument', 'document', 8],
      ]);
      expect(fake.calls.find((c) => c.method === 'sendPhoto')?.params.photo).toEqual({ upload: 'photo.jpg', size: bytes.length });
    });

    it('shows a Telegraf 4.16 pitfall: reply_parameters is dropped from multipart uploads', async () => {
      const { telegram } = telegraf();
      fake.userSends(bot.id, alice.id, 'reply to me');
      const lost = await telegram.sendPhoto(alice.id, { source: png(10, 10) }, { reply_parameters: { message_id: 1 } });
      expect(lost.reply_to_message).toBeUndefined();
      const kept = await telegram.sendPhoto(
        alice.id,
        { source: png(10, 10) },
        { reply_parameters: JSON.stringify({ message_id: 1 }) as never },
      );
      expect(kept.reply_to_message?.message_id).toBe(1);
    });

    it('long-polls updates into command handlers', async () => {
      const app = telegraf();
      app.command('start', (ctx) => ctx.reply(`welcome, ${ctx.from.first_name}`));
      const running = app.launch();
      fake.userSends(bot.username, alice.id, '/start');
      const reply = await fake.waitForSent((s) => s.botId === bot.id && s.chatId === alice.id);
      expect(reply.text).toBe('welcome, Alice');
      app.stop('test over');
      await running;
      expect(fake.webhookInfo(bot.id).pendingUpdateCount).toBe(0);
    });
  });
});
