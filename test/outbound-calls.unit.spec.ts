import { PossiblySentError, TelegramUnreachableError } from '../src/application/ports/telegram.port';
import { GatewayClosedError } from '../src/infrastructure/telegram/outbound-calls';
import { TelegrafGateway } from '../src/infrastructure/telegram/telegraf-gateway';
import { CreatedBot, FakeUser, TelegramBotApiFake } from './support/telegram-bot-api.fake';

/** The gateway's outbound call rules, against the Bot API fake's switchable faults. */
describe('outbound Telegram calls', () => {
  let fake: TelegramBotApiFake;
  let bot: CreatedBot;
  let customer: FakeUser;
  let gateway: TelegrafGateway;
  let observed: string[];

  beforeEach(async () => {
    fake = await TelegramBotApiFake.start();
    bot = fake.createBot({ username: 'outbound_bot' });
    customer = fake.createUser({ firstName: 'Olga' });
    fake.userSends(bot.id, customer.id, '/start');
    observed = [];
    gateway = new TelegrafGateway(fake.apiRoot, (method, status) => observed.push(`${method} ${status}`), 300);
  });

  afterEach(async () => {
    gateway.close();
    await fake.stop();
  });

  const copies = (text: string) => fake.sent(bot.id, customer.id).filter((s) => s.text === text).length;

  it('a 429 streak longer than five waits is waited out: the message is sent once and every 429 is counted', async () => {
    fake.failNext(bot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 0', retryAfter: 0 }, 7);
    await gateway.bot(bot.token).sendText(customer.id, 'after the streak');
    expect(copies('after the streak')).toBe(1);
    expect(observed.filter((o) => o === 'sendMessage 429')).toHaveLength(7);
  });

  it('a reset before Telegram acted is retried and the message is sent once', async () => {
    fake.failConnection(bot.id, 'sendMessage', 'reset_before');
    await gateway.bot(bot.token).sendText(customer.id, 'reset before');
    expect(copies('reset before')).toBe(1);
  });

  it('a reset after Telegram sent the message gives at most one extra copy, then a possibly-sent error', async () => {
    fake.failConnection(bot.id, 'sendMessage', 'reset_after', 5);
    await expect(gateway.bot(bot.token).sendText(customer.id, 'reset after')).rejects.toBeInstanceOf(PossiblySentError);
    expect(copies('reset after')).toBe(2);
  });

  it('a reset after an idempotent call is left to the caller to retry, not called possibly sent', async () => {
    fake.failConnection(bot.id, 'getMe', 'reset_after');
    await expect(gateway.bot(bot.token).getMe()).rejects.toBeInstanceOf(TelegramUnreachableError);
    await expect(gateway.bot(bot.token).getMe()).resolves.toMatchObject({ id: bot.id });
  });

  it('a hung call times out and is retried: the message is sent once', async () => {
    fake.failConnection(bot.id, 'sendMessage', 'hang');
    await gateway.bot(bot.token).sendText(customer.id, 'after a hang');
    expect(copies('after a hang')).toBe(1);
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && c.status === 0)).toHaveLength(1);
    expect(observed).toContain('sendMessage timeout');
  });

  it('a hung idempotent call times out as an error its caller retries', async () => {
    fake.failConnection(bot.id, 'getMe', 'hang');
    await expect(gateway.bot(bot.token).getMe()).rejects.toBeInstanceOf(TelegramUnreachableError);
  });

  it('closing the gateway ends a long 429 wait at once', async () => {
    fake.failNext(bot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 3600', retryAfter: 3600 });
    const sending = gateway.bot(bot.token).sendText(customer.id, 'never');
    await fake.waitForCall('sendMessage', (c) => c.status === 429);
    gateway.close();
    await expect(sending).rejects.toBeInstanceOf(GatewayClosedError);
    expect(copies('never')).toBe(0);
  });
});
