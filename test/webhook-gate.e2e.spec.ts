import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { AppHarness } from './support/app-harness';
import { eventually } from './support/scripted-reactor';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/** `depth` arrays inside each other: `[[[…]]]`, the shape that makes a parser work hardest per byte. */
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/**
 * Webhooks check who is calling before they read what is sent: the secret (and, for a client bot, its id
 * and whether it is attached here) decides first, so a stranger's bodies are never parsed, and the JSON
 * of an admitted body is bounded in depth.
 */
/**
 * What was recorded from Telegram updates after `before`: nothing, when every request since was refused. (Not the
 * head itself: the app's reactors may still be recording outcomes of earlier steps meanwhile.)
 */
async function fromTelegramSince(store: EventStore, before: bigint | null): Promise<string[]> {
  const since = await store.readAll({ after: before ?? 0n, maxCount: 1000 });
  return since.filter((e) => String(e.metadata.causationId).startsWith('tg:')).map((e) => e.type);
}

describe('webhook admission before the body is read', () => {
  let h: AppHarness;
  let store: EventStore;
  let master: FakeUser;
  let bot: CreatedBot;
  let customer: FakeUser;

  beforeAll(async () => {
    h = await AppHarness.start();
    store = h.app.get(EVENT_STORE);
    master = await registeredMaster(h, 'Grace');
    bot = await attachNewBot(h, master, 'grace_gate_bot');
    customer = h.fake.createUser({ firstName: 'Linus' });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('a wrong secret is refused with 401 even when the body is not JSON at all: the secret is checked first', async () => {
    const before = await store.headPosition();
    for (const path of ['/telegram/master', `/telegram/client/${bot.id}`]) {
      const right = h.secretFor(path.endsWith('master') ? 'master' : String(bot.id));
      const nearMisses = [
        `${right.slice(0, -1)}${right.endsWith('A') ? 'B' : 'A'}`, // its last character changed
        `${right}A`, // one character more
        right.slice(0, -1), // one fewer
        `${right.slice(0, -1)}é`, // as many characters, one more byte
      ];
      for (const secret of [undefined, 'not-the-secret', h.secretFor(path.endsWith('master') ? String(bot.id) : 'master'), ...nearMisses]) {
        const response = await h.postWebhook(path, '{"update_id": 1,', secret);
        expect({ path, secret, status: response.status }).toEqual({ path, secret, status: 401 });
      }
    }
    expect(await fromTelegramSince(store, before)).toEqual([]);
  });

  it('a bot that is not attached here is refused with 404, and a bot id that is not one with 400, before the body is read', async () => {
    const unknown = await h.postWebhook('/telegram/client/1234567890', '{"update_id": 1,', h.secretFor('1234567890'));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain('unknown client bot 1234567890');
    const notAnId = await h.postWebhook('/telegram/client/12ab', '{"update_id": 1,', h.secretFor('12ab'));
    expect(notAnId.status).toBe(400);
    expect(((await notAnId.json()) as { message: string }).message).toContain('botId must be a number');
  });

  it("a flood of big, deeply nested bodies without the secret is refused while a customer's message is relayed", async () => {
    const before = await store.headPosition();
    const body = nested(400_000); // 800 KB, under the 1 MB body limit
    const flood = Array.from({ length: 26 }, (_, i) =>
      h.postWebhook(i % 2 === 0 ? `/telegram/client/${bot.id}` : '/telegram/master', body).then((r) => r.status),
    );
    const relayed = await customerWrites(h, bot, customer, master, 'Is the workshop on Friday?');
    expect(relayed.text).toContain('Is the workshop on Friday?');
    expect(await Promise.all(flood)).toEqual(flood.map(() => 401));
    // Only the customer's message was recorded from Telegram, nothing for the flood; its relay is recorded too (the
    // fake sees the relay before the app records MessageRelayed: waited for, a lost one fails after 10 s).
    await eventually('the relay recorded', async () =>
      (await store.readAll({ after: before ?? 0n, maxCount: 1000 })).some((e) => e.type === 'MessageRelayed'),
    );
    expect(await fromTelegramSince(store, before)).toEqual(['CustomerMessageReceived']);
  });

  it('a body nested deeper than 64 levels gets 400 even with the right secret, and writes nothing', async () => {
    const before = await store.headPosition();
    // A real update with one extra field nested 65 deep: Telegram never sends that, so it is refused whole.
    const update = `{"update_id": 77, "message": {"message_id": 9, "date": 1800000000, "chat": {"id": ${customer.id}, "type": "private"}, "from": {"id": ${customer.id}, "first_name": "Linus"}, "text": "hello", "extra": ${nested(63)}}}`;
    for (const [path, secret] of [
      [`/telegram/client/${bot.id}`, h.secretFor(String(bot.id))],
      ['/telegram/master', h.secretFor('master')],
    ] as const) {
      const response = await h.postWebhook(path, update, secret);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(((await response.json()) as { message: string }).message).toContain('nested deeper than 64');
    }
    expect(await fromTelegramSince(store, before)).toEqual([]);
  });

  it('a body nested exactly 64 levels is read as usual', async () => {
    const update = `{"update_id": 78, "message": {"message_id": 10, "date": 1800000000, "chat": {"id": ${customer.id}, "type": "private"}, "from": {"id": ${customer.id}, "first_name": "Linus"}, "text": "see you on Friday then", "extra": ${nested(62)}}}`;
    const response = await h.postWebhook(`/telegram/client/${bot.id}`, update, h.secretFor(String(bot.id)));
    expect(response.status).toBe(200);
    await h.fake.waitForSent((s) => s.chatId === master.id && (s.text ?? '').endsWith('see you on Friday then'));
  });
});
