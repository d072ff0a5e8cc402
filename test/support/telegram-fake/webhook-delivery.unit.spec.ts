import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeWorld, type FakeWorld } from './fixtures';
import type { Json, TgUpdate } from './types';

interface Receiver {
  url: string;
  received: Array<{ update: TgUpdate; secret?: string }>;
  maxInFlight: number;
  close(): Promise<void>;
}

/** A stand-in for the app's webhook endpoint; `answer` picks the status (and body) per attempt. */
async function startReceiver(answer: (attempt: number, update: TgUpdate) => number | [number, Json]): Promise<Receiver> {
  let inFlight = 0;
  const receiver = { received: [], maxInFlight: 0 } as unknown as Receiver;
  const server = http.createServer((req, res) => {
    inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TgUpdate;
      receiver.received.push({ update, secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined });
      const decision = answer(receiver.received.length, update);
      const [status, body] = Array.isArray(decision) ? decision : [decision, undefined];
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
        res.end(body ? JSON.stringify(body) : '');
      }, 15);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/client`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

describe('TelegramBotApiFake webhook delivery', () => {
  let world: FakeWorld;
  let receiver: Receiver | undefined;
  const ok = (method: string, params: Json = {}) => world.client.call(world.bot.token, method, params).then((a) => a.body);

  beforeEach(async () => {
    world = await startFakeWorld({ webhookRetryDelayMs: 5 });
  });

  afterEach(async () => {
    await world.fake.stop();
    await receiver?.close();
    receiver = undefined;
  });

  it('POSTs updates one at a time, in order, with the secret token header', async () => {
    const { fake, bot, alice } = world;
    receiver = await startReceiver(() => 200);
    expect(await ok('setWebhook', { url: receiver.url, secret_token: 's3cr3t_-' })).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was set',
    });
    const ids = ['one', 'two', 'three'].map((text) => fake.userSends(bot.id, alice.id, text).updateId);
    await fake.waitForWebhookIdle(bot.id);
    expect(receiver.received.map((r) => [r.update.update_id, r.secret])).toEqual(ids.map((id) => [id, 's3cr3t_-']));
    expect(receiver.maxInFlight).toBe(1);
    expect((await ok('getWebhookInfo')).result).toMatchObject({
      url: receiver.url,
      pending_update_count: 0,
      has_custom_certificate: false,
    });
    expect((await ok('setWebhook', { url: receiver.url, secret_token: 's3cr3t_-' })).description).toBe('Webhook is already set');
    expect((await ok('setWebhook', { url: receiver.url, secret_token: 'not allowed!' })).description).toBe(
      'Bad Request: secret token contains unallowed characters',
    );
  });

  it('retries a refused update with back-off and holds later updates until it is accepted', async () => {
    const { fake, bot, alice } = world;
    receiver = await startReceiver((attempt) => (attempt <= 2 ? 500 : 200));
    await ok('setWebhook', { url: receiver.url });
    const first = fake.userSends(bot.id, alice.id, 'first').updateId;
    const second = fake.userSends(bot.id, alice.id, 'second').updateId;
    await fake.waitForWebhookIdle(bot.id);
    expect(receiver.received.map((r) => r.update.update_id)).toEqual([first, first, first, second]);
    expect(fake.deliveries.map((d) => d.status)).toEqual([500, 500, 200, 200]);
    expect(fake.webhookInfo(bot.id)).toMatchObject({
      pendingUpdateCount: 0,
      lastErrorMessage: 'Wrong response from the webhook: 500 Internal Server Error',
    });
    expect((await ok('getWebhookInfo')).result).toMatchObject({
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
  });

  it('keeps updates while the endpoint is unreachable and delivers them once it is back', async () => {
    const { fake, bot, alice } = world;
    receiver = await startReceiver(() => 200);
    const url = receiver.url;
    await receiver.close();
    await ok('setWebhook', { url });
    const { updateId } = fake.userSends(bot.id, alice.id, 'are you there?');
    await fake.waitFor((view) => view.deliveries.filter((d) => d.error === 'Connection refused').length >= 2);
    expect(fake.webhookInfo(bot.id)).toMatchObject({ pendingUpdateCount: 1, lastErrorMessage: 'Connection refused' });
    receiver = await startReceiver(() => 200);
    await ok('setWebhook', { url: receiver.url });
    await fake.waitForWebhookIdle(bot.id);
    expect(receiver.received.map((r) => r.update.update_id)).toEqual([updateId]);
  });

  it('redelivers on demand and executes a method returned in the webhook response', async () => {
    const { fake, bot, alice } = world;
    receiver = await startReceiver((attempt, update) =>
      attempt === 1 ? [200, { method: 'sendMessage', chat_id: update.message?.chat.id, text: 'answered inline' }] : 200,
    );
    await ok('setWebhook', { url: receiver.url });
    const { updateId } = fake.userSends(bot.id, alice.id, 'hello');
    await fake.waitForSent((s) => s.text === 'answered inline');
    fake.redeliver(bot.id, updateId);
    await fake.waitForWebhookIdle(bot.id);
    expect(receiver.received.map((r) => r.update.update_id)).toEqual([updateId, updateId]);
    expect(fake.sent(bot.id, alice.id)).toHaveLength(1);
  });

  it('queues for getUpdates again after deleteWebhook, dropping pending updates on request', async () => {
    const { fake, bot, alice } = world;
    await ok('setWebhook', { url: 'http://127.0.0.1:9/unreachable' });
    fake.userSends(bot.id, alice.id, 'lost');
    expect(await ok('deleteWebhook', { drop_pending_updates: true })).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was deleted',
    });
    expect((await ok('deleteWebhook')).description).toBe('Webhook is already deleted');
    const { updateId } = fake.userSends(bot.id, alice.id, 'kept');
    expect((await ok('getUpdates')).result).toEqual([expect.objectContaining({ update_id: updateId })]);
  });
});
