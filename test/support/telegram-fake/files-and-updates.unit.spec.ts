import { pngHeader as png, startFakeWorld, type FakeWorld } from './fixtures';
import type { Json } from './types';

describe('TelegramBotApiFake files and getUpdates', () => {
  let world: FakeWorld;
  const ok = (token: string, method: string, params: Json = {}) => world.client.result(token, method, params);
  const error = (token: string, method: string, params: Json = {}) => world.client.failure(token, method, params);

  beforeEach(async () => {
    world = await startFakeWorld();
  });

  afterEach(() => world.fake.stop());

  describe('files', () => {
    it('stores user media per bot and serves it through getFile and /file/', async () => {
      const { fake, bot, alice } = world;
      const other = fake.createBot({ username: 'other_bot' });
      const { message } = fake.userSends(bot.id, alice.id, { photo: png(1280, 720), caption: 'look' });
      expect(message).toMatchObject({ caption: 'look', from: { id: alice.id, first_name: 'Alice', is_bot: false } });
      expect(message.photo).toEqual([
        expect.objectContaining({ width: 90, height: 51 }),
        expect.objectContaining({
          width: 1280,
          height: 720,
          file_size: 33,
          file_id: expect.any(String),
          file_unique_id: expect.any(String),
        }),
      ]);
      const largest = message.photo![1].file_id;
      const file = await ok(bot.token, 'getFile', { file_id: largest });
      const download = await fetch(`${fake.apiRoot}/file/bot${bot.token}/${file.file_path}`);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(png(1280, 720));
      expect((await fetch(`${fake.apiRoot}/file/bot${other.token}/${file.file_path}`)).status).toBe(404);
      expect(await error(other.token, 'getFile', { file_id: largest })).toEqual([400, 'Bad Request: invalid file_id']);
      fake.userSends(other.id, alice.id, 'hi');
      const foreign = { chat_id: alice.id, photo: largest };
      expect(await error(other.token, 'sendPhoto', foreign)).toEqual([400, 'Bad Request: wrong file identifier/HTTP URL specified']);
      const resent = await ok(bot.token, 'sendPhoto', foreign);
      expect(resent.photo[1].file_unique_id).toBe(message.photo![1].file_unique_id);
      expect(await error(bot.token, 'sendDocument', { chat_id: alice.id, document: largest })).toEqual([
        400,
        "Bad Request: can't use file of type Photo as Document",
      ]);
    });

    it('describes every kind of user message like Telegram does', () => {
      const { fake, bot, alice } = world;
      const send = (content: Parameters<typeof fake.userSends>[2]) => fake.userSends(bot.id, alice.id, content).message;
      expect(send({ voice: Buffer.from('ogg') }).voice).toMatchObject({ mime_type: 'audio/ogg', duration: 1, file_size: 3 });
      expect(send({ animation: { bytes: Buffer.from('gif'), fileName: 'a.mp4' } })).toMatchObject({
        animation: { file_name: 'a.mp4' },
        document: { file_name: 'a.mp4' },
      });
      expect(send({ videoNote: Buffer.from('mp4') }).video_note).toMatchObject({ length: 240 });
      expect(send({ location: { latitude: 1.5, longitude: 2.5 } }).location).toEqual({ latitude: 1.5, longitude: 2.5 });
      expect(send({ contact: { phoneNumber: '+100', firstName: 'Bob' } }).contact).toMatchObject({
        phone_number: '+100',
        first_name: 'Bob',
      });
      expect(send({ sticker: { bytes: Buffer.from('webp'), emoji: '🙂' }, replyToMessageId: 1 })).toMatchObject({
        sticker: { emoji: '🙂', type: 'regular' },
        reply_to_message: { message_id: 1 },
      });
      expect(() => send({ text: 'x', photo: Buffer.from('p') })).toThrow(/caption, not text/);
    });

    it('refuses downloads over 20 MB and uploads over 50 MB', async () => {
      const { fake, bot, alice } = world;
      const big = fake.userSends(bot.id, alice.id, { document: { bytes: Buffer.alloc(21 * 1024 * 1024), fileName: 'big.bin' } });
      const fileId = big.message.document?.file_id;
      expect(await error(bot.token, 'getFile', { file_id: fileId })).toEqual([400, 'Bad Request: file is too big']);
      const form = new FormData();
      form.append('chat_id', String(alice.id));
      form.append('document', new Blob([Buffer.alloc(51 * 1024 * 1024)]), 'huge.bin');
      const res = await fetch(`${fake.apiRoot}/bot${bot.token}/sendDocument`, { method: 'POST', body: form });
      expect([res.status, await res.json()]).toEqual([413, { ok: false, error_code: 413, description: 'Request Entity Too Large' }]);
    });
  });

  describe('getUpdates', () => {
    it('confirms by offset, honours limit and long-polls until an update arrives', async () => {
      const { fake, bot, alice } = world;
      const first = fake.userSends(bot.id, alice.id, 'one').updateId;
      fake.userSends(bot.id, alice.id, 'two');
      expect((await ok(bot.token, 'getUpdates', { limit: 1 })).map((u: Json) => u.update_id)).toEqual([first]);
      const rest = await ok(bot.token, 'getUpdates', { offset: first + 1 });
      expect(rest.map((u: Json) => (u.message as Json).text)).toEqual(['two']);
      const polling = ok(bot.token, 'getUpdates', { offset: first + 2, timeout: 30 });
      setTimeout(() => fake.userSends(bot.id, alice.id, 'hello /help'), 50);
      const [update] = await polling;
      expect(update.message).toMatchObject({ text: 'hello /help', entities: [{ type: 'bot_command', offset: 6, length: 5 }] });
      expect(await ok(bot.token, 'getUpdates', { offset: update.update_id + 1 })).toEqual([]);
      fake.redeliver(bot.id, update.update_id);
      expect((await ok(bot.token, 'getUpdates', { offset: update.update_id + 1 }))[0].update_id).toBe(update.update_id);
      expect(await ok(bot.token, 'getUpdates', { offset: update.update_id + 1 })).toEqual([]);
    });

    it('returns an empty list when a long poll times out, and drops updates outside allowed_updates', async () => {
      const { fake, bot, alice } = world;
      const started = Date.now();
      expect(await ok(bot.token, 'getUpdates', { timeout: 1, allowed_updates: ['callback_query'] })).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      fake.userSends(bot.id, alice.id, 'ignored');
      expect(fake.webhookInfo(bot.id).pendingUpdateCount).toBe(0);
    });

    it('conflicts with a second poller and with a webhook', async () => {
      const { fake, bot } = world;
      const first = ok(bot.token, 'getUpdates', { timeout: 30 }).catch((e: Error) => e.message);
      await new Promise((resolve) => setTimeout(resolve, 30));
      await ok(bot.token, 'getUpdates');
      expect(await first).toBe(
        'getUpdates failed: Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      );
      expect(await ok(bot.token, 'setWebhook', { url: 'http://127.0.0.1:9/hook' })).toBe(true);
      expect(await error(bot.token, 'getUpdates')).toEqual([
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      ]);
      const polls = fake.calls.filter((c) => c.method === 'getUpdates').sort((a, b) => a.at - b.at);
      expect(polls.map((c) => c.status)).toEqual([409, 200, 409]);
    });
  });
});
