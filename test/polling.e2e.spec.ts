import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';

describe('long-polling mode (no PUBLIC_URL)', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await AppHarness.start({ mode: 'polling' });
  });
  afterAll(async () => h.stop());

  it('relays and answers without any webhook, polling the MasterBot and each attached client bot', async () => {
    const master = h.fake.createUser({ firstName: 'Uma' });
    const customer = h.fake.createUser({ firstName: 'Vic' });
    const bot = h.fake.createBot({ username: 'uma_polled_bot' });
    const says = (fragment: string) =>
      h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && (s.text ?? '').includes(fragment), {
        timeoutMs: 10_000,
      });

    h.fake.userSends(h.masterBot.id, master.id, '/start');
    await says('Welcome');
    h.fake.userSends(h.masterBot.id, master.id, '/add');
    await says('send me the token');
    h.fake.userSends(h.masterBot.id, master.id, bot.token);
    await says('is attached');
    expect(h.fake.webhookInfo(bot.id).url).toBe('');

    const asked = h.fake.userSends(bot.id, customer.id, 'Polling works?');
    const relayed = await says('Polling works?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'It does.', replyToMessageId: relayed.messageId });
    const answer = await h.fake.waitForSent((s) => s.botId === bot.id && s.text === 'It does.', { timeoutMs: 10_000 });
    expect(answer.replyToMessageId).toBe(asked.messageId);
  });

  it('confirms an update to Telegram only after recording it: a failed recording is fetched again', async () => {
    const master = h.fake.createUser({ firstName: 'Wes' });
    // Recording fails while the event store is unavailable; the poller must not skip the update.
    const store = h.app.get<EventStore>(EVENT_STORE);
    const append = store.appendToStream.bind(store);
    let failures = 0;
    store.appendToStream = async (...args: Parameters<typeof append>) => {
      if (failures++ < 2) throw new Error('disk full');
      return append(...args);
    };
    h.fake.userSends(h.masterBot.id, master.id, '/start');
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').startsWith('Welcome'), { timeoutMs: 15_000 });
    store.appendToStream = append;
    expect(failures).toBeGreaterThanOrEqual(3);
  });
});
