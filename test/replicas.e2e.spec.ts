import { AppProcess } from './support/app-process';
import { Cleanups } from './support/cleanups';
import { EventStoreDouble } from './support/eventstore-double';
import { freePort } from './support/free-port';
import { createMysqlTestDb } from './support/mysql-test-db';
import { RoundRobinProxy } from './support/round-robin-proxy';
import { spawnedAppSettings } from './support/spawned-app';
import { CreatedBot, FakeUser, SentRecord, TelegramBotApiFake } from './support/telegram-bot-api.fake';

const HEALTH_TOKEN = 'replicas-health-token-0123';
const CUSTOMERS = 4;
/** How long Telegram takes to answer a sending call after the first phase. */
const RELAY_LATENCY_MS = 300;
/** A relayed customer message (its text is in the copy): everything else the MasterBot sent the master is a notice. */
const RELAYED = /(before|during) message \d+\./;

/**
 * Two app processes on one EventStoreDB (the double) and one MySQL read-model database, behind a
 * round-robin proxy like Caddy with `--scale app=2`: both record webhooks, and each projection and
 * reactor runs on one of them, half of them on each. Killing the one that relays must lose nothing and repeat at most what
 * was in flight, and the other one takes the relay over.
 */
describe('two replicas on EventStoreDB + MySQL', () => {
  jest.setTimeout(240_000);
  const cleanups = new Cleanups();
  afterAll(cleanups.runAll);

  it('relays every customer message and delivers every reply once, and survives the SIGKILL of the replica that relays', async () => {
    const fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 50 });
    cleanups.push(() => fake.stop());
    const double = await EventStoreDouble.start();
    cleanups.push(() => double.stop());
    const db = await createMysqlTestDb();
    cleanups.push(db.drop);
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
    const ports = [await freePort(), await freePort()];
    const proxy = await RoundRobinProxy.start(ports);
    cleanups.push(() => proxy.stop());
    const shared = await spawnedAppSettings(fake, masterBot.token, cleanups, {
      EVENTSTORE_URL: double.url,
      DATABASE_URL: db.url,
      PUBLIC_URL: proxy.url,
      HEALTH_TOKEN,
    });
    const [first, second] = ports.map((port) => new AppProcess({ ...shared, PORT: String(port) }, port));
    cleanups.push(() => first.kill());
    cleanups.push(() => second.kill());
    await first.start();
    await second.start();

    // Given a master with an attached client bot, served by both replicas
    const master = fake.createUser({ firstName: 'Alice' });
    const clientBot = fake.createBot({ username: 'replicated_shop_bot' });
    const masterSees = (text: string) =>
      fake.waitForSent((s) => isTo(s, masterBot, master) && textOf(s).includes(text), { timeoutMs: 60_000 });
    fake.userSends(masterBot.id, master.id, '/start');
    await masterSees('Welcome to FeedbackBots');
    fake.userSends(masterBot.id, master.id, '/add');
    fake.userSends(masterBot.id, master.id, clientBot.token);
    await masterSees('@replicated_shop_bot is attached');
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => fake.createUser({ firstName: `Customer${i}` }));

    // When customers write and the master replies, with both replicas recording
    const before = messages('before', 5);
    await sendAll(before);
    const relayedBefore = await Promise.all(before.map(({ text }) => masterSees(text)));
    await replyToAll(relayedBefore.slice(0, 6), 'before');
    expect(proxy.answered.get(ports[0])).toBeGreaterThan(0);
    expect(proxy.answered.get(ports[1])).toBeGreaterThan(0);

    // And the two replicas share the processors (leases are balanced: one half each, handed over gracefully)
    const owners = await halves();
    expect(Math.abs(owners[0].length - owners[1].length)).toBeLessThanOrEqual(1);
    expect(new Set(owners.flat()).size).toBe(owners[0].length + owners[1].length);

    // And the replica that runs the relay is killed while customers keep writing, with a relay call in flight
    const relayOwner = owners[0].includes('reactor:relay') ? 0 : 1;
    const survivor = 1 - relayOwner;
    expect(owners[survivor]).not.toContain('reactor:relay');
    expect(await relayOnMetrics(ports[survivor])).toBe(0);
    // Telegram takes a while to answer: the owner's relay calls stay in flight long enough to be killed under them.
    fake.setLatency(RELAY_LATENCY_MS);
    const during = messages('during', 10);
    const sending = sendAll(during, 100);
    await masterSees(during[3].text);
    const relaysInFlight = await fake.waitFor(() => {
      const held = fake
        .callsInFlight()
        .filter((c) => c.botId === masterBot.id && c.method === 'sendMessage' && c.chatId === String(master.id));
      return held.length > 0 ? held.length : undefined;
    });
    // Synchronous from the count to the signal: no call reaches the fake (it runs in this process) in between.
    const killed = [first, second][relayOwner].kill();
    const killedAt = Date.now();
    await killed;
    const accepted = await sending;
    fake.setLatency(0);
    const relayedDuring = await Promise.all(during.map(({ text }) => masterSees(text)));
    const firstRelayAfter = fake.calls.find(
      (c) => c.botId === masterBot.id && c.at > killedAt && !c.clientGone && c.status === 200 && RELAYED.test(String(c.params.text)),
    );
    expect((await runsHere(ports[survivor])).includes('reactor:relay')).toBe(true);
    expect(await relayOnMetrics(ports[survivor])).toBe(1);
    await replyToAll(relayedDuring.slice(-6), 'after');

    // Then every accepted message was relayed, and only the calls in flight at the kill were made twice
    expect(accepted.every((updateId) => fake.deliveries.some((d) => d.updateId === updateId && d.status === 200))).toBe(true);
    const relayCounts = [...before, ...during].map(({ text }) => relaysOf(text).length);
    expect(relayCounts.filter((n) => n === 0)).toHaveLength(0);
    expect(relayCounts.slice(0, before.length)).toEqual(before.map(() => 1));
    const duplicates = relayCounts.reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBeLessThanOrEqual(relaysInFlight);
    // And the survivor took the relay over within the bound (from the SIGKILL to its first relay)
    expect(firstRelayAfter).toBeDefined();
    const handOverMs = firstRelayAfter!.at - killedAt;
    expect(handOverMs).toBeLessThanOrEqual(15_000);
    // And every reply was delivered once, and the attach confirmation and every other MasterBot notice sent once
    const replies = fake.sent(clientBot.id).filter((s) => textOf(s).startsWith('Reply '));
    expect(replies).toHaveLength(12);
    expect(new Set(replies.map(textOf)).size).toBe(12);
    const notices = fake.sent(masterBot.id, master.id).filter((s) => !RELAYED.test(textOf(s)));
    expect(notices.filter((s) => textOf(s).includes('is attached'))).toHaveLength(1);
    expect(notices.length).toBeGreaterThan(0);
    expect(new Set(notices.map(textOf)).size).toBe(notices.length);
    console.log(
      `replicas: relay moved to the survivor ${handOverMs} ms after the SIGKILL; ${duplicates} repeated relay(s) of ${during.length}, ${relaysInFlight} relay call(s) in flight at the kill; notices: ${notices.map((s) => JSON.stringify(textOf(s).slice(0, 40))).join(', ')}`,
    );

    /** What each replica runs, once the second one has taken its half (a few lease rounds after it started). */
    async function halves(): Promise<string[][]> {
      for (let round = 0; ; round++) {
        const runs = await Promise.all(ports.map((port) => runsHere(port)));
        if (Math.abs(runs[0].length - runs[1].length) <= 1 || round >= 100) return runs;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }

    function relaysOf(text: string): SentRecord[] {
      return fake.sent(masterBot.id, master.id).filter((s) => textOf(s).includes(text));
    }

    function messages(phase: string, each: number) {
      return Array.from({ length: CUSTOMERS * each }, (_, n) => ({ customer: customers[n % CUSTOMERS], text: `${phase} message ${n}.` }));
    }

    /** The update ids of the messages sent, `gapMs` apart. */
    async function sendAll(batch: { customer: FakeUser; text: string }[], gapMs = 20): Promise<number[]> {
      const updateIds: number[] = [];
      for (const { customer, text } of batch) {
        updateIds.push(fake.userSends(clientBot.id, customer.id, text).updateId);
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
      return updateIds;
    }

    async function replyToAll(relayed: SentRecord[], phase: string): Promise<void> {
      const texts = relayed.map((r, i) => {
        const text = `Reply ${phase} ${i}`;
        fake.userSends(masterBot.id, master.id, { text, replyToMessageId: r.messageId });
        return text;
      });
      await Promise.all(texts.map((text) => fake.waitForSent((s) => s.botId === clientBot.id && s.text === text, { timeoutMs: 60_000 })));
    }
  });
});

async function runsHere(port: number): Promise<string[]> {
  const answer = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
  const body = (await answer.json()) as { details?: { replica?: { runsHere?: string[] } } };
  return body.details?.replica?.runsHere ?? [];
}

/** `feedbackbots_replica_runs{processor="reactor:relay"}` on that replica. */
async function relayOnMetrics(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^feedbackbots_replica_runs\{processor="reactor:relay"\} (\d+)$/m.exec(text)?.[1]);
}

const isTo = (s: SentRecord, bot: CreatedBot, user: FakeUser) => s.botId === bot.id && s.chatId === user.id;
const textOf = (s: SentRecord) => s.text ?? s.caption ?? '';
