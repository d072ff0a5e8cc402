import { TelegramApiError } from '../src/application/ports/telegram.port';
import { GatewayClosedError, OutboundCalls } from '../src/infrastructure/telegram/outbound-calls';
import { OutboundPacing, PacingOptions, PacingScope, TELEGRAM_FLOOD_LIMITS } from '../src/infrastructure/telegram/outbound-pacing';

/**
 * Telegram's flood limits kept before Telegram has to refuse: every message of the gateway waits for its
 * bot's and its chat's tokens (on jest's clock: timings here are simulated, never waited for).
 */
describe('outbound messages paced by Telegram flood limits', () => {
  let calls: OutboundCalls;
  let start: number;
  /** When each message went out (ms after the test began), per chat, in the order it went. */
  let sent: Map<number, { text: string; at: number }[]>;
  let waits: PacingScope[];

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    calls = new OutboundCalls(30_000, () => undefined);
    start = Date.now();
    sent = new Map();
    waits = [];
  });
  afterEach(() => {
    calls.close();
    jest.useRealTimers();
  });

  const botOf = (options: PacingOptions = {}) => new OutboundPacing({ onWait: (scope) => waits.push(scope), ...options }).forBot();
  const wentOut = (chatId: number, text: string) => {
    sent.set(chatId, [...(sent.get(chatId) ?? []), { text, at: Date.now() - start }]);
  };
  /** A send whose first `refusals` attempts Telegram answers 429 retry after `retryAfter` seconds. */
  const send = (bot: ReturnType<typeof botOf>, chatId: number, text: string, refusals = 0, retryAfter = 5) =>
    calls.run(
      'sendMessage',
      async () => {
        if (refusals-- > 0) throw new TelegramApiError('sendMessage', 429, 'Too Many Requests', retryAfter);
        wentOut(chatId, text);
      },
      { into: { bot, chatId } },
    );
  const times = (chatId: number) => (sent.get(chatId) ?? []).map((s) => s.at);
  const texts = (chatId: number) => (sent.get(chatId) ?? []).map((s) => s.text);

  it('ten messages to one customer go out no faster than one a second, in order', async () => {
    const bot = botOf();
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => send(bot, 42, `message ${i}`)));
    await jest.advanceTimersByTimeAsync(10_000);
    await all;
    expect(texts(42)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i}`));
    const at = times(42);
    expect(at[0]).toBe(0);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(1000);
    expect(at[9]).toBeLessThanOrEqual(9_300); // and no slower than that, but for a small safety margin
    expect(waits.filter((w) => w === 'chat')).toHaveLength(9);
  });

  it('messages to 40 customers of one bot go out no faster than 30 a second', async () => {
    const bot = botOf();
    const chats = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const all = Promise.all(chats.map((chatId) => send(bot, chatId, 'news')));
    await jest.advanceTimersByTimeAsync(3_000);
    await all;
    const at = chats.flatMap(times).sort((a, b) => a - b);
    expect(at).toHaveLength(40);
    for (const from of at) expect(at.filter((t) => t >= from && t < from + 1000).length).toBeLessThanOrEqual(30);
    expect(at[39]).toBeLessThan(1_500);
  });

  it('a group gets no more than 20 messages a minute', async () => {
    const bot = botOf();
    const all = Promise.all(Array.from({ length: 21 }, (_, i) => send(bot, -100123, `team note ${i}`)));
    await jest.advanceTimersByTimeAsync(65_000);
    await all;
    const at = times(-100123);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(3_000);
    expect(at[20]).toBeLessThanOrEqual(62_000);
    expect(waits.filter((w) => w === 'group')).toHaveLength(20);
  });

  it("a 429 on one chat holds that chat's queued messages for retry_after, while another chat's go on", async () => {
    const bot = botOf();
    const ana = Promise.all([send(bot, 1, 'refused first', 1, 5), send(bot, 1, 'queued behind it'), send(bot, 1, 'queued too')]);
    await jest.advanceTimersByTimeAsync(100);
    const ben = send(bot, 2, 'for Ben meanwhile');
    await jest.advanceTimersByTimeAsync(100);
    await ben;
    expect(texts(2)).toEqual(['for Ben meanwhile']);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(texts(1)).toEqual([]); // the next one was due after a second, but waits out the 429 with it

    await jest.advanceTimersByTimeAsync(8_000);
    await ana;
    expect(texts(1)).toEqual(['refused first', 'queued behind it', 'queued too']);
    const at = times(1);
    expect(at[0]).toBeGreaterThanOrEqual(5_000);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(1_000);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(1_000);
  });

  it('429s on two chats of one bot within a second pause the whole bot for retry_after', async () => {
    const bot = botOf();
    const refused = Promise.all([send(bot, 1, 'to Ana', 1, 3), send(bot, 2, 'to Ben', 1, 3)]);
    await jest.advanceTimersByTimeAsync(100);
    const cleo = send(bot, 3, 'to Cleo');
    await jest.advanceTimersByTimeAsync(5_000);
    await Promise.all([refused, cleo]);
    expect(times(3)[0]).toBeGreaterThanOrEqual(3_000);
  });

  it("a chat being drained never holds up another chat's message: it waits only for the bot's budget", async () => {
    const bot = botOf();
    const flood = Promise.all(Array.from({ length: 20 }, (_, i) => send(bot, 1, `flood ${i}`)));
    await jest.advanceTimersByTimeAsync(2_500);
    const other = send(bot, 2, 'quiet customer');
    await jest.advanceTimersByTimeAsync(50);
    await other;
    expect(times(2)[0] - 2_500).toBeLessThanOrEqual(34);
    expect(texts(1).length).toBeLessThan(20);
    await jest.advanceTimersByTimeAsync(20_000);
    await flood;
  });

  it("a message held up on its way to Telegram holds its chat's next one as long: Telegram still sees them a second apart", async () => {
    const bot = botOf();
    /** Telegram counts a message when it arrives: `transitMs` after it left, answered at once. */
    const arriving = (chatId: number, text: string, transitMs: number) =>
      calls.run(
        'sendMessage',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, transitMs));
          wentOut(chatId, text);
        },
        { into: { bot, chatId } },
      );
    const transits = [2, 2, 2, 40, 2, 2, 25, 2];
    const all = Promise.all(transits.map((ms, i) => arriving(7, `message ${i}`, ms)));
    await jest.advanceTimersByTimeAsync(10_000);
    await all;
    expect(texts(7)).toEqual(transits.map((_, i) => `message ${i}`));
    const at = times(7);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(1000);
    // Only the late ones cost time: the eight still arrive within ~7 × 1.02 s plus their lateness.
    expect(at[7] - at[0]).toBeLessThanOrEqual(7 * 1021 + 38 + 23 + 2);
  });

  it('an album counts as its items: after three photos to a customer, the next message waits three seconds', async () => {
    const bot = botOf();
    const album = calls.run('sendMediaGroup', async () => wentOut(5, 'album of three'), { into: { bot, chatId: 5, messages: 3 } });
    const after = send(bot, 5, 'a text after it');
    await jest.advanceTimersByTimeAsync(4_000);
    await Promise.all([album, after]);
    expect(texts(5)).toEqual(['album of three', 'a text after it']);
    expect(times(5)[1]).toBeGreaterThanOrEqual(3_000);
  });

  it('closing the gateway ends a wait for tokens at once, and nothing more is sent', async () => {
    const bot = botOf();
    const results = Array.from({ length: 6 }, (_, i) =>
      send(bot, 7, `message ${i}`).then(
        () => 'sent',
        (error: unknown) => error,
      ),
    );
    await jest.advanceTimersByTimeAsync(1_500);
    calls.close();
    const outcomes = await Promise.all(results);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(2);
    expect(outcomes.filter((o) => o instanceof GatewayClosedError)).toHaveLength(4);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(texts(7)).toHaveLength(2);
  });

  it('calls that send no message (reactions, deletions) are never held back by a busy chat', async () => {
    const bot = botOf();
    const flood = Promise.all(Array.from({ length: 5 }, (_, i) => send(bot, 9, `message ${i}`)));
    const reacted: number[] = [];
    const react = () => calls.run('setMessageReaction', async () => void reacted.push(Date.now() - start), { into: { bot, chatId: 9 } });
    await Promise.all([react(), react(), react()]);
    expect(reacted).toEqual([0, 0, 0]);
    await jest.advanceTimersByTimeAsync(5_000);
    await flood;
  });

  it("an answer's edits (M13) count as messages into the customer's chat: they wait their turn behind it", async () => {
    const bot = botOf();
    const edited: number[] = [];
    const edit = (method: string) => calls.run(method, async () => void edited.push(Date.now() - start), { into: { bot, chatId: 9 } });
    const all = Promise.all([send(bot, 9, 'the answer'), edit('editMessageText'), edit('editMessageCaption')]);
    await jest.advanceTimersByTimeAsync(3_000);
    await all;
    expect(times(9)).toEqual([0]);
    expect(edited[0]).toBeGreaterThanOrEqual(1000);
    expect(edited[1] - edited[0]).toBeGreaterThanOrEqual(1000);
  });

  it('100,000 chats messaged once leave no buckets behind a minute later', async () => {
    const pacing = new OutboundPacing({ limits: { ...TELEGRAM_FLOOD_LIMITS, bot: { perSecond: 1000, burst: 200_000 } } });
    const bot = pacing.forBot();
    const closed = new AbortController().signal;
    await Promise.all(Array.from({ length: 100_000 }, (_, i) => bot.ticket(10_000 + i).take(closed)));
    expect(pacing.chatsTracked).toBe(100_000);
    await jest.advanceTimersByTimeAsync(61_000);
    await bot.ticket(1).take(closed);
    expect(pacing.chatsTracked).toBe(1);
  });
});
