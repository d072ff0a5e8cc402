import { startFakeWorld, type FakeWorld } from './fixtures';
import { STAR_SUBSCRIPTION_PERIOD } from './payment-methods';
import type { Json } from './types';

describe('TelegramBotApiFake control API, payments and limits', () => {
  let world: FakeWorld;
  const call = (method: string, params: Json = {}) => world.client.call(world.bot.token, method, params).then((a) => a.body);
  const ok = (method: string, params: Json = {}) => world.client.result(world.bot.token, method, params);
  const error = (method: string, params: Json = {}) => world.client.failure(world.bot.token, method, params);

  beforeEach(async () => {
    world = await startFakeWorld();
    world.fake.userSends(world.bot.id, world.alice.id, '/start');
  });

  afterEach(() => world.fake.stop());

  it('turns button presses into callback queries that must be answered once', async () => {
    const { fake, bot, alice } = world;
    const keyboard = { inline_keyboard: [[{ text: 'Unban', callback_data: 'unban:42' }]] };
    const { message_id } = await ok('sendMessage', { chat_id: alice.id, text: 'Banned: 1', reply_markup: keyboard });
    expect(() => fake.userPressesButton(bot.id, alice.id, message_id, 'nope')).toThrow(/no button/);
    const pressed = fake.userPressesButton(bot.id, alice.id, message_id, 'unban:42');
    expect(pressed.update.callback_query).toMatchObject({ data: 'unban:42', from: { id: alice.id }, message: { message_id } });
    expect(await ok('answerCallbackQuery', { callback_query_id: pressed.callbackQueryId, text: 'Done' })).toBe(true);
    expect(await error('answerCallbackQuery', { callback_query_id: pressed.callbackQueryId })).toEqual([
      400,
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    ]);
    expect(fake.callbackQuery(pressed.callbackQueryId)?.answer).toEqual({ text: 'Done', showAlert: false, url: undefined });
  });

  it('relays user edits as edited_message updates', () => {
    const { fake, bot, alice } = world;
    const edited = fake.userEdits(bot.id, alice.id, 1, '/start again');
    expect(edited.update.edited_message).toMatchObject({ message_id: 1, text: '/start again', edit_date: expect.any(Number) });
    expect(fake.messagesInChat(bot.id, alice.id)[0].message.text).toBe('/start again');
  });

  it('sells a Telegram Stars subscription: invoice link, pre-checkout, successful payment, cancellation', async () => {
    const { fake, bot, alice } = world;
    const invoice = {
      title: 'Pro',
      description: '10 bots',
      payload: 'pro:alice',
      currency: 'XTR',
      prices: [{ label: 'Pro', amount: 250 }],
    };
    expect(await error('createInvoiceLink', { ...invoice, subscription_period: 3600 })).toEqual([
      400,
      'Bad Request: SUBSCRIPTION_PERIOD_INVALID',
    ]);
    expect(await ok('createInvoiceLink', { ...invoice, subscription_period: STAR_SUBSCRIPTION_PERIOD })).toMatch(/^https:\/\/t\.me\/\$/);
    const checkout = fake.userPays(bot.id, alice.id, 'pro:alice');
    expect(checkout.update.pre_checkout_query).toMatchObject({ currency: 'XTR', total_amount: 250, invoice_payload: 'pro:alice' });
    expect(await ok('answerPreCheckoutQuery', { pre_checkout_query_id: checkout.preCheckoutQueryId, ok: true })).toBe(true);
    const [, paid] = (await ok('getUpdates', { offset: checkout.updateId })) as Json[];
    const payment = (paid.message as Json).successful_payment as Json;
    expect(payment).toMatchObject({
      currency: 'XTR',
      total_amount: 250,
      invoice_payload: 'pro:alice',
      is_recurring: true,
      is_first_recurring: true,
    });
    expect(payment.subscription_expiration_date).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + STAR_SUBSCRIPTION_PERIOD - 5);
    const charge = { user_id: alice.id, telegram_payment_charge_id: payment.telegram_payment_charge_id, is_canceled: true };
    expect(await ok('editUserStarSubscription', charge)).toBe(true);
    expect(fake.starCharges(bot.id)).toEqual([expect.objectContaining({ canceled: true, totalAmount: 250 })]);
    expect(
      await error('sendInvoice', {
        ...invoice,
        chat_id: alice.id,
        prices: [
          { label: 'a', amount: 1 },
          { label: 'b', amount: 2 },
        ],
      }),
    ).toEqual([400, 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID']);
    expect((await ok('sendInvoice', { ...invoice, chat_id: alice.id })).invoice).toMatchObject({ currency: 'XTR', total_amount: 250 });
  });

  it('keeps commands per scope and rejects ones Telegram rejects', async () => {
    const { fake, bot, alice } = world;
    expect(await ok('setMyCommands', { commands: [{ command: 'add', description: 'Attach a bot' }] })).toBe(true);
    await ok('setMyCommands', { commands: [{ command: 'help', description: 'Help' }], scope: { type: 'chat', chat_id: alice.id } });
    expect(await ok('getMyCommands')).toEqual([{ command: 'add', description: 'Attach a bot' }]);
    expect(fake.commands(bot.id, { type: 'chat', chat_id: alice.id })).toEqual([{ command: 'help', description: 'Help' }]);
    expect(await error('setMyCommands', { commands: [{ command: 'Add', description: 'x' }] })).toEqual([
      400,
      'Bad Request: BOT_COMMAND_INVALID',
    ]);
    expect(await ok('setChatMenuButton', { menu_button: { type: 'commands' } })).toBe(true);
  });

  it('sends albums, locations and contacts', async () => {
    const { fake, alice } = world;
    const form = new FormData();
    form.append('chat_id', String(alice.id));
    form.append(
      'media',
      JSON.stringify([
        { type: 'photo', media: 'attach://a', caption: 'first' },
        { type: 'document', media: 'attach://b' },
      ]),
    );
    form.append('a', new Blob([Buffer.from('photo-bytes')]), 'a.jpg');
    form.append('b', new Blob([Buffer.from('doc-bytes')]), 'b.txt');
    const res = (await (
      await fetch(`${fake.apiRoot}/bot${world.bot.token}/sendMediaGroup`, { method: 'POST', body: form })
    ).json()) as Json;
    const album = res.result as Json[];
    expect(album.map((m) => m.media_group_id)).toEqual([album[0].media_group_id, album[0].media_group_id]);
    expect(album[1].document).toMatchObject({ file_name: 'b.txt', mime_type: 'text/plain' });
    expect((await ok('sendLocation', { chat_id: alice.id, latitude: 51.5, longitude: -0.12 })).location).toEqual({
      latitude: 51.5,
      longitude: -0.12,
    });
    expect((await ok('sendContact', { chat_id: alice.id, phone_number: '+1', first_name: 'Al' })).contact).toMatchObject({
      phone_number: '+1',
    });
    expect(await ok('sendChatAction', { chat_id: alice.id, action: 'typing' })).toBe(true);
  });

  it('applies optional flood limits with retry_after', async () => {
    const { fake, alice } = world;
    fake.setRateLimits({ perChatPerSecond: 1 });
    await ok('sendMessage', { chat_id: alice.id, text: 'one' });
    expect(await call('sendMessage', { chat_id: alice.id, text: 'two' })).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    expect(await ok('getMe')).toMatchObject({ id: world.bot.id });
  });

  it('injects faults for the next calls of a method', async () => {
    const { fake, bot, alice } = world;
    fake.failNext(bot.token, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 }, 2);
    const send = () => call('sendMessage', { chat_id: alice.id, text: 'hi' });
    expect(await send()).toMatchObject({ error_code: 429, parameters: { retry_after: 7 } });
    expect(await send()).toMatchObject({ error_code: 429 });
    expect(await send()).toMatchObject({ ok: true });
    fake.failNext(bot.id, '*', { errorCode: 502, description: 'Bad Gateway' });
    expect(await world.client.failure(bot.token, 'getMe')).toEqual([502, 'Bad Gateway']);
  });

  it('with latency, holds each sending call until it is answered, and carries out one whose client hung up', async () => {
    const { fake, bot, alice } = world;
    fake.setLatency(200);
    const answered = ok('sendMessage', { chat_id: alice.id, text: 'slow but sure' });
    await fake.waitFor(() => fake.callsInFlight().length === 1);
    expect(fake.callsInFlight()).toEqual([
      { botId: bot.id, method: 'sendMessage', chatId: String(alice.id), receivedAt: expect.any(Number) },
    ]);
    await answered;
    expect(fake.callsInFlight()).toEqual([]);

    // The client dies while Telegram holds its call: the message is sent all the same, the answer is lost.
    const gone = new AbortController();
    const request = fetch(`${fake.apiRoot}/bot${bot.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: alice.id, text: 'sent to a dead client' }),
      signal: gone.signal,
    }).catch(() => 'hung up');
    await fake.waitFor(() => fake.callsInFlight().length === 1);
    gone.abort();
    expect(await request).toBe('hung up');
    const call = await fake.waitForCall('sendMessage', (c) => c.params.text === 'sent to a dead client');
    expect(call).toMatchObject({ status: 200, clientGone: true });
    expect(fake.sent(bot.id, alice.id).some((s) => s.text === 'sent to a dead client')).toBe(true);
    expect(await ok('getMe')).toMatchObject({ id: bot.id }); // other methods are not delayed
  });

  it('explains a waitFor timeout with the recent calls', async () => {
    const { fake, alice } = world;
    await ok('sendMessage', { chat_id: alice.id, text: 'visible in the report' });
    const waiting = fake.waitForCall('deleteMessage', () => true, { timeoutMs: 50 });
    await expect(waiting).rejects.toThrow(
      /waitFor \(a deleteMessage call\) timed out after 50 ms[\s\S]*sendMessage -> 200[\s\S]*visible in the report/,
    );
  });
});
