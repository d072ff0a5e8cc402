import { request } from 'node:http';
import { AesTokenCipher } from '../src/infrastructure/crypto/token-cipher';
import { AppHarness } from './support/app-harness';
import { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';
import { attachNewBot, registeredMaster } from './support/master-steps';

/**
 * Recording first, under a burst (IntakeFirst): while webhook calls pile up, customers' messages are
 * recorded (Telegram gets its 200s) and their relays wait until the intake calms down — or at most
 * INTAKE_FIRST_HOLD_MS at a time. Calls are kept in flight here by sending their bodies slowly, as a
 * loaded Telegram connection would; INTAKE_FIRST_AT is lowered to 3 so a few of them make the intake busy.
 */
describe('recording first while webhook calls pile up', () => {
  let h: AppHarness;
  let master: FakeUser;
  let bot: CreatedBot;
  let nextUpdateId = 900_000_000;

  beforeAll(async () => {
    h = await AppHarness.start({ env: { INTAKE_FIRST_AT: '3', INTAKE_FIRST_HOLD_MS: '60000' } });
    master = await registeredMaster(h, 'Ida');
    bot = await attachNewBot(h, master, 'ida_busy_bot');
  });
  afterAll(async () => h.stop());

  const waitsCounted = async () => {
    const text = await (await fetch(`${h.baseUrl}/metrics`)).text();
    return Number(/^feedbackbots_intake_first_waits_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
  };
  const relayed = (text: string) => h.fake.sent(h.masterBot.id, master.id).filter((s) => (s.text ?? '').endsWith(text));
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A customer's update POSTed to the bot's webhook whose body is held back half-sent until `finish()`. */
  function slowCall(text: string): { finish: () => void; answered: Promise<number> } {
    const customer = h.fake.createUser({ firstName: 'Slow' });
    const update = {
      update_id: nextUpdateId++,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: customer.id, type: 'private', first_name: 'Slow' },
        from: { id: customer.id, is_bot: false, first_name: 'Slow' },
        text,
      },
    };
    const body = Buffer.from(JSON.stringify(update));
    const secret = new AesTokenCipher(Buffer.from(h.tokenKey, 'base64')).webhookSecret(String(bot.id));
    let answer!: (status: number) => void;
    const answered = new Promise<number>((resolve) => (answer = resolve));
    const call = request(`${h.baseUrl}/telegram/client/${bot.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-telegram-bot-api-secret-token': secret },
    });
    call.on('response', (res) => {
      res.resume();
      answer(res.statusCode ?? 0);
    });
    call.on('error', () => answer(0));
    call.write(body.subarray(0, 10));
    return { finish: () => call.end(body.subarray(10)), answered };
  }

  it('a message recorded while the intake is busy is relayed once the burst is over, and the burst is relayed too', async () => {
    const burst = ['Slow one', 'Slow two', 'Slow three', 'Slow four'].map(slowCall);
    await pause(200); // the calls have been in flight for four times the averaging span: the intake is busy

    const customer = h.fake.createUser({ firstName: 'Bob' });
    h.fake.userSends(bot.id, customer.id, 'Sent during the burst');
    await h.fake.waitForWebhookIdle(bot.id); // recorded: Telegram got its 200
    await pause(300);
    expect(relayed('Sent during the burst')).toHaveLength(0); // waits for the intake (without it: relayed in ms)

    for (const call of burst) call.finish();
    expect(await Promise.all(burst.map((c) => c.answered))).toEqual([200, 200, 200, 200]);
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith('Sent during the burst'));
    for (const text of ['Slow one', 'Slow two', 'Slow three', 'Slow four'])
      await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith(text));
    expect(relayed('Sent during the burst')).toHaveLength(1);
    expect(await waitsCounted()).toBeGreaterThan(0); // operators see it in /metrics
  });

  it('under a burst that does not end, relays still go out, one turn every INTAKE_FIRST_HOLD_MS', async () => {
    await h.restartWith({ env: { INTAKE_FIRST_HOLD_MS: '500' } });
    const burst = ['Endless one', 'Endless two', 'Endless three', 'Endless four'].map(slowCall);
    try {
      await pause(200);
      const customer = h.fake.createUser({ firstName: 'Cy' });
      h.fake.userSends(bot.id, customer.id, 'Sent during a long burst');
      await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith('Sent during a long burst'));
    } finally {
      for (const call of burst) call.finish();
      await Promise.all(burst.map((c) => c.answered));
    }
  });
});
