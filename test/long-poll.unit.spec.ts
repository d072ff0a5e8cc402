import { TelegramApiError, TelegramUnreachableError } from '../src/application/ports/telegram.port';
import { TelegrafGateway } from '../src/infrastructure/telegram/telegraf-gateway';
import { CreatedBot, TelegramBotApiFake } from './support/telegram-bot-api.fake';

/** A client bot's long poll (getUpdates), against the Bot API fake: what a poller sees in each case. */
describe("a client bot's long poll", () => {
  let fake: TelegramBotApiFake;
  let bot: CreatedBot;
  let gateway: TelegrafGateway;
  let observed: string[];

  beforeEach(async () => {
    fake = await TelegramBotApiFake.start();
    bot = fake.createBot({ username: 'polled_shop_bot' });
    observed = [];
    gateway = new TelegrafGateway(fake.apiRoot, (method, status) => observed.push(`${method} ${status}`), 300);
  });

  afterEach(async () => {
    gateway.close();
    await fake.stop();
  });

  const failure = (poll: Promise<unknown>) =>
    poll.then(
      () => new Error('the poll succeeded'),
      (error: unknown) => error,
    );

  it("brings a customer's message, and nothing more once it is confirmed", async () => {
    const customer = fake.createUser({ firstName: 'Pia' });
    fake.userSends(bot.id, customer.id, 'Hello shop');
    const [update] = (await gateway.bot(bot.token).getUpdates(0, 0)) as { update_id: number; message: { text: string } }[];
    expect(update.message.text).toBe('Hello shop');
    await expect(gateway.bot(bot.token).getUpdates(update.update_id + 1, 0)).resolves.toEqual([]);
    expect(observed).toEqual(['getUpdates 200', 'getUpdates 200']);
  });

  it('is refused with 409 while the bot still has a webhook (the poller then deletes it)', async () => {
    await gateway.bot(bot.token).setWebhook('https://example.org/hook', 'secret');
    const error = await failure(gateway.bot(bot.token).getUpdates(0, 0));
    expect(error).toBeInstanceOf(TelegramApiError);
    expect((error as TelegramApiError).code).toBe(409);
  });

  it('reports a revoked token as such, without the token in the error', async () => {
    fake.revokeToken(bot.token);
    const error = await failure(gateway.bot(bot.token).getUpdates(0, 0));
    expect((error as TelegramApiError).tokenRevoked).toBe(true);
    expect(String(error)).not.toContain(bot.token.split(':')[1]);
  });

  it('a poll Telegram never answers times out, to be polled again', async () => {
    fake.failConnection(bot.id, 'getUpdates', 'hang');
    const error = await failure(gateway.bot(bot.token).getUpdates(0, 0));
    expect(error).toBeInstanceOf(TelegramUnreachableError);
    expect(observed).toEqual(['getUpdates timeout']);
  });

  it('a dropped connection is unreachable, without the token in the error', async () => {
    fake.failConnection(bot.id, 'getUpdates', 'reset_before');
    const error = await failure(gateway.bot(bot.token).getUpdates(0, 0));
    expect(error).toBeInstanceOf(TelegramUnreachableError);
    expect(String(error)).not.toContain(bot.token.split(':')[1]);
    expect(observed).toEqual(['getUpdates network_error']);
  });

  it("a poller's stop ends its open poll at once", async () => {
    const stop = new AbortController();
    const poll = failure(gateway.bot(bot.token).getUpdates(0, 25, stop.signal));
    await fake.waitFor(() => fake.isLongPolling(bot.id), { timeoutMs: 5_000, description: 'the poll is open' });
    stop.abort();
    expect(await poll).toMatchObject({ name: 'AbortError' });
    expect(observed).toEqual([]);
  });
});
