import { AppHarness } from './support/app-harness';
import { DAY, HOUR, MINUTE, ManualClock } from './support/manual-clock';
import { masterBotSays, registeredMaster } from './support/master-steps';
import { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/**
 * M7 as a master lives it: the Stars invoice, paying, the bot limit that Pro lifts, cancelling the
 * renewal, the end of the paid period (bots paused, not deleted) and paying again. Time is a ManualClock
 * the scheduler reads, so "30 days later" is one call. The tests run in order on one app: later ones
 * move the clock past the periods the earlier ones paid for.
 */
describe('the Pro plan, paid with Telegram Stars', () => {
  const PRICE = 300;
  const clock = new ManualClock();
  let h: AppHarness;

  beforeAll(async () => {
    h = await AppHarness.start({ clock, env: { PRO_PRICE_STARS: String(PRICE), FREE_BOT_LIMIT: '1', SCHEDULER_INTERVAL_MS: '100' } });
  });
  afterAll(async () => h.stop());

  async function tryToAttach(master: FakeUser, bot: CreatedBot, answer: string): Promise<void> {
    // One chat's updates arrive in order, so the token follows /add without waiting for the prompt.
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    h.fake.userSends(h.masterBot.id, master.id, bot.token);
    await masterBotSays(h, master, answer);
  }

  /** The pay button under the invoice message: its text and the invoice link it opens. */
  function payButton(replyMarkup: unknown): { text: string; url: string } | undefined {
    const rows = (replyMarkup as { inline_keyboard?: { text: string; url?: string }[][] } | undefined)?.inline_keyboard ?? [];
    const button = rows.flat().find((b) => b.url);
    return button?.url ? { text: button.text, url: button.url } : undefined;
  }

  async function subscribe(master: FakeUser): Promise<void> {
    h.fake.userSends(h.masterBot.id, master.id, '/subscribe');
    await h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && payButton(s.replyMarkup) !== undefined);
  }

  async function payForPro(master: FakeUser, expect = 'Pro is active until'): Promise<void> {
    await subscribe(master);
    h.fake.userPays(h.masterBot.id, master.id, `pro:${master.id}`);
    await masterBotSays(h, master, expect);
  }

  const customer = () => h.fake.createUser({ firstName: 'Bob', username: 'bob' });

  it('/subscribe sends a Stars subscription invoice for the configured price', async () => {
    const master = await registeredMaster(h, 'Ana');
    h.fake.userSends(h.masterBot.id, master.id, '/subscribe');
    const offer = await h.fake.waitForSent(
      (s) => s.botId === h.masterBot.id && s.chatId === master.id && payButton(s.replyMarkup) !== undefined,
    );
    expect(payButton(offer.replyMarkup)?.text).toBe(`⭐ Subscribe for ${PRICE} Stars / 30 days`);
    expect(payButton(offer.replyMarkup)?.url).toMatch(/^https:\/\/t\.me\/\$/);

    const link = await h.fake.waitForCall('createInvoiceLink', (c) => c.params.payload === `pro:${master.id}`);
    const prices = typeof link.params.prices === 'string' ? (JSON.parse(link.params.prices) as unknown) : link.params.prices;
    expect(link.params).toMatchObject({ title: 'FeedbackBots Pro', currency: 'XTR' });
    expect(Number(link.params.subscription_period)).toBe(30 * 24 * 60 * 60);
    expect(prices).toEqual([expect.objectContaining({ amount: PRICE })]);
  });

  let payer: FakeUser;
  let keptBot: CreatedBot;
  let extraBot: CreatedBot;

  it('paying starts Pro and a second bot can then be attached', async () => {
    payer = await registeredMaster(h, 'Ben');
    keptBot = h.fake.createBot({ username: 'ben_first_bot' });
    extraBot = h.fake.createBot({ username: 'ben_second_bot' });
    await tryToAttach(payer, keptBot, '@ben_first_bot is attached');
    await tryToAttach(payer, extraBot, 'The Free plan allows one client bot');

    await payForPro(payer);
    expect(h.fake.starCharges(h.masterBot.id).filter((c) => c.userId === payer.id)).toEqual([
      expect.objectContaining({ totalAmount: PRICE, currency: 'XTR', canceled: false }),
    ]);
    await tryToAttach(payer, extraBot, '@ben_second_bot is attached');
  });

  it('a checkout for another master’s invoice is refused', async () => {
    const other = await registeredMaster(h, 'Cid');
    const intruder = await registeredMaster(h, 'Dot');
    await subscribe(other);
    const checkout = h.fake.userPays(h.masterBot.id, intruder.id, `pro:${other.id}`);
    const answer = await h.fake.waitForCall(
      'answerPreCheckoutQuery',
      (c) => c.params.pre_checkout_query_id === checkout.preCheckoutQueryId,
    );
    expect(answer.params).toMatchObject({ ok: false, error_message: 'This invoice is not for your account.' });
    expect(h.fake.starCharges(h.masterBot.id).filter((c) => c.userId === intruder.id)).toEqual([]);
  });

  it('/unsubscribe cancels the renewal and Pro lasts to the end of the paid period', async () => {
    const master = await registeredMaster(h, 'Eve');
    await tryToAttach(master, h.fake.createBot({ username: 'eve_first_bot' }), 'is attached');
    await payForPro(master);

    h.fake.userSends(h.masterBot.id, master.id, '/unsubscribe');
    await masterBotSays(h, master, 'will not renew. Pro lasts until');
    await h.fake.waitFor(() => h.fake.starCharges(h.masterBot.id).find((c) => c.userId === master.id && c.canceled));

    // 29 days on, Pro still covers a second bot.
    clock.advance(29 * DAY);
    await tryToAttach(master, h.fake.createBot({ username: 'eve_second_bot' }), '@eve_second_bot is attached');

    // Past the paid period: back on Free.
    clock.advance(DAY + 2 * MINUTE);
    await masterBotSays(h, master, 'Your Pro plan has ended');
  });

  it('when the paid period ends the master is back on Free, extra bots are paused not deleted, and their customers’ messages are not relayed', async () => {
    // Ben's subscription was still renewing: it ends an hour after the paid period (the grace for the renewal payment).
    clock.advance(2 * HOUR);
    const notice = await masterBotSays(h, payer, 'Your Pro plan has ended');
    expect(notice.text).toContain('Paused (kept, not deleted): @ben_second_bot');

    const bob = customer();
    h.fake.userSends(extraBot.id, bob.id, 'Anyone there? (paused bot)');
    await h.fake.waitForWebhookIdle(extraBot.id);
    h.fake.userSends(keptBot.id, bob.id, 'Hello first bot');
    await masterBotSays(h, payer, 'Hello first bot');
    expect(h.fake.sent(h.masterBot.id, payer.id).some((s) => (s.text ?? '').includes('paused bot'))).toBe(false);
    // Paused, not deleted: /bots still lists it.
    h.fake.userSends(h.masterBot.id, payer.id, '/bots');
    await masterBotSays(h, payer, '@ben_second_bot ⏸ paused (Free plan)');
  });

  it('paying again resumes the paused bots', async () => {
    // The fake dates the new period from the real time: bring the clock back so it is not already over
    // (and let a scheduler tick that read the old time finish, or it would expire the new period at once).
    await h.setClock(clock, new Date());
    await payForPro(payer, 'Resumed: @ben_second_bot');
    const bob = customer();
    h.fake.userSends(extraBot.id, bob.id, 'Back again?');
    await masterBotSays(h, payer, 'Back again?');
  });
});
