import Database from 'better-sqlite3';
import { join } from 'node:path';
import { texts } from '../src/application/reactors/texts';
import { AppProcess } from './support/app-process';
import { Cleanups } from './support/cleanups';
import { eventually } from './support/scripted-reactor';
import { spawnedAppSettings } from './support/spawned-app';
import { CreatedBot, FakeUser, SentRecord, TelegramBotApiFake } from './support/telegram-bot-api.fake';

const MASTERS = 4;
const CUSTOMERS_PER_BOT = 6;
const MESSAGES_PER_CUSTOMER = 3;
/**
 * How long Telegram takes to carry out and answer each send: long enough for many calls to be in flight at once.
 * Close to the 1 s the pacing leaves between two relays into one chat, so relays are in flight most of the time and
 * the greetings' burst meets them even on a loaded machine (at 300 ms the two windows sometimes missed each other).
 */
const LATENCY_MS = 800;

interface Tenant {
  master: FakeUser;
  bot: CreatedBot;
  customers: FakeUser[];
}

/**
 * The app as a real process, killed with SIGKILL while Telegram is slow and holds relays (one lane per
 * master) and greetings (one lane per customer) in flight. "In flight" is counted twice: by Telegram (the
 * calls it was holding, whose answer never reached the app) and by the app's durable record (reactions
 * with an attempt and no finish — they also cover a call answered a moment before the kill whose outcome
 * was not recorded yet). A restart may repeat exactly those.
 */
describe('a SIGKILL under Telegram latency', () => {
  const cleanups = new Cleanups();
  afterAll(cleanups.runAll);

  it('repeats at most the calls in flight, loses nothing, and both copies of a repeated relay can be answered', async () => {
    const fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 20 });
    cleanups.push(() => fake.stop());
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
    const env = await spawnedAppSettings(fake, masterBot.token, cleanups, { LOG_LEVEL: 'warn' });
    const app = new AppProcess({ ...env, PUBLIC_URL: `http://127.0.0.1:${env.PORT}` }, Number(env.PORT));
    cleanups.push(() => app.kill());
    await app.start();

    const masterSees = (master: FakeUser, fragment: string) =>
      fake.waitForSent((s) => s.botId === masterBot.id && s.chatId === master.id && (s.text ?? '').includes(fragment), {
        timeoutMs: 15_000,
      });
    const tenants: Tenant[] = [];
    for (let m = 0; m < MASTERS; m += 1) {
      const master = fake.createUser({ firstName: `Master${m}` });
      const bot = fake.createBot({ username: `crash_shop_${m}_bot` });
      fake.userSends(masterBot.id, master.id, '/start');
      fake.userSends(masterBot.id, master.id, '/add');
      fake.userSends(masterBot.id, master.id, bot.token);
      await masterSees(master, 'is attached');
      const customers = Array.from({ length: CUSTOMERS_PER_BOT }, (_, c) => fake.createUser({ firstName: `C${m}x${c}` }));
      tenants.push({ master, bot, customers });
    }
    const textOf = (customer: FakeUser, k: number) => `${customer.firstName} asks question ${k}`;
    const copiesOf = (t: Tenant, text: string): SentRecord[] =>
      fake.sent(masterBot.id, t.master.id).filter((s) => (s.text ?? '').endsWith(text));
    const greetingsOf = (t: Tenant, customer: FakeUser) =>
      fake.sent(t.bot.id, customer.id).filter((s) => s.text === texts.defaultGreeting).length;
    const relayedSoFar = () => tenants.reduce((n, t) => n + fake.sent(masterBot.id, t.master.id).length, 0);
    const heldNow = (botIds: number[]) => fake.callsInFlight().filter((c) => c.botId !== null && botIds.includes(c.botId)).length;

    // Telegram slows down; every customer writes, and once relays are flowing a second wave presses Start.
    fake.setLatency(LATENCY_MS);
    const before = relayedSoFar();
    for (let k = 1; k <= MESSAGES_PER_CUSTOMER; k += 1)
      for (const t of tenants) for (const customer of t.customers) fake.userSends(t.bot.id, customer.id, textOf(customer, k));
    await fake.waitFor(() => relayedSoFar() >= before + 2 * MASTERS, { timeoutMs: 20_000 });
    for (const t of tenants) for (const customer of t.customers) fake.userSends(t.bot.id, customer.id, '/start');
    const clientBots = tenants.map((t) => t.bot.id);
    await fake.waitFor(() => heldNow([masterBot.id]) >= 2 && heldNow(clientBots) >= 3, { timeoutMs: 20_000 });

    await app.kill();
    await fake.waitFor(() => fake.callsInFlight().length === 0); // Telegram finishes what it holds, answering no one
    const heldByTelegram = fake.calls.filter((c) => c.clientGone && c.method === 'sendMessage').length;
    const inFlight = unfinishedAttempts(join(env.DATA_DIR, 'reactor-attempts.sqlite'));

    await app.start();
    for (const t of tenants)
      for (const customer of t.customers) {
        for (let k = 1; k <= MESSAGES_PER_CUSTOMER; k += 1) await masterSees(t.master, textOf(customer, k));
        await fake.waitFor(() => greetingsOf(t, customer) >= 1, { timeoutMs: 15_000 });
      }
    await eventually('the restarted app has run everything it had to', async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${env.PORT}/metrics`)).text();
      return ['relay', 'customer-notices'].every((r) => metrics.includes(`feedbackbots_consumer_lag_events{consumer="reactor:${r}"} 0`));
    });

    const relayCopies = tenants.flatMap((t) =>
      t.customers.flatMap((c) => range(MESSAGES_PER_CUSTOMER).map((k) => copiesOf(t, textOf(c, k)))),
    );
    const relayDuplicates = relayCopies.reduce((n, copies) => n + copies.length - 1, 0);
    const greetingDuplicates = tenants.reduce((n, t) => n + t.customers.reduce((m, c) => m + greetingsOf(t, c) - 1, 0), 0);
    const marked = relayCopies.flat().filter((s) => (s.text ?? '').startsWith('↻')).length;
    console.log(
      `SIGKILL under ${LATENCY_MS} ms latency: held by Telegram ${heldByTelegram}, in flight (attempt without finish) ` +
        `relay ${inFlight.relay} + greetings ${inFlight.greetings}; duplicates: relay ${relayDuplicates}, greetings ${greetingDuplicates}; ` +
        `relays marked as sent again ${marked}`,
    );

    // Nothing lost, nothing more than once again, and only what was in flight.
    expect(relayCopies.every((copies) => copies.length >= 1 && copies.length <= 2)).toBe(true);
    expect(heldByTelegram).toBeLessThanOrEqual(inFlight.relay + inFlight.greetings); // each held call had its attempt recorded first
    expect(relayDuplicates).toBeGreaterThanOrEqual(1); // the kill did catch relays in flight: the case under test happened
    expect(relayDuplicates).toBeLessThanOrEqual(inFlight.relay);
    expect(greetingDuplicates).toBeLessThanOrEqual(inFlight.greetings);
    expect(marked).toBeLessThanOrEqual(inFlight.relay);

    // Every repeated relay says so, and the master can answer the customer from either copy.
    for (const t of tenants)
      for (const customer of t.customers)
        for (const k of range(MESSAGES_PER_CUSTOMER)) {
          const copies = copiesOf(t, textOf(customer, k));
          if (copies.length < 2) continue;
          expect(copies[1].text).toMatch(/^↻ Sent again after a restart/);
          for (const [i, copy] of copies.entries()) {
            const answer = `Answer ${k} to ${customer.firstName}, from copy ${i + 1}`;
            fake.userSends(masterBot.id, t.master.id, { text: answer, replyToMessageId: copy.messageId });
            await fake.waitForSent((s) => s.botId === t.bot.id && s.chatId === customer.id && s.text === answer, { timeoutMs: 15_000 });
          }
        }
  }, 120_000);
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** What the killed app had recorded as started and not finished, per reactor (read with the app down). */
function unfinishedAttempts(file: string): { relay: number; greetings: number } {
  const db = new Database(file);
  try {
    const count = (name: string) =>
      (db.prepare('SELECT COUNT(*) AS n FROM reactor_attempts WHERE name = ? AND finished = 0').get(name) as { n: number }).n;
    return { relay: count('reactor:relay'), greetings: count('reactor:customer-notices') };
  } finally {
    db.close();
  }
}
