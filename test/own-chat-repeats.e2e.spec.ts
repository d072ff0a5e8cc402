import { AppProcess } from './support/app-process';
import { Cleanups } from './support/cleanups';
import { spawnedAppSettings } from './support/spawned-app';
import { TelegramBotApiFake } from './support/telegram-bot-api.fake';

/** How long Telegram holds the relay into the owner's chat: long enough to kill the app while it waits. */
const LATENCY_MS = 1500;

/**
 * M14: a relay into the owner's own chat with the client bot that was in flight when the app died is repeated after
 * the restart, and says so there ("↻ Sent again after a restart"), as in the MasterBot chat; both copies answer.
 */
describe('a relay into the owner’s own chat repeated after a SIGKILL', () => {
  const cleanups = new Cleanups();
  afterAll(cleanups.runAll);

  it('is marked as sent again in the owner’s chat, and a Reply to it reaches the customer', async () => {
    const fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 20 });
    cleanups.push(() => fake.stop());
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
    const env = await spawnedAppSettings(fake, masterBot.token, cleanups, { LOG_LEVEL: 'warn' });
    const app = new AppProcess({ ...env, PUBLIC_URL: `http://127.0.0.1:${env.PORT}` }, Number(env.PORT));
    cleanups.push(() => app.kill());
    await app.start();

    const master = fake.createUser({ firstName: 'Maria' });
    const bot = fake.createBot({ username: 'maria_repeat_bot' });
    const inBotChat = (fragment: string) =>
      fake.waitForSent((s) => s.botId === bot.id && s.chatId === master.id && (s.text ?? '').includes(fragment), { timeoutMs: 15_000 });
    fake.userSends(masterBot.id, master.id, '/start');
    fake.userSends(masterBot.id, master.id, '/add');
    fake.userSends(masterBot.id, master.id, bot.token);
    await fake.waitForSent((s) => s.botId === masterBot.id && s.chatId === master.id && (s.text ?? '').includes('is attached'), {
      timeoutMs: 15_000,
    });
    fake.userSends(bot.id, master.id, '/start');
    const offer = await inBotChat('Hello, owner of @maria_repeat_bot');
    fake.userPressesButton(bot.id, master.id, offer.messageId, `inbox:${bot.id}:bot`);
    await inBotChat('📥 This chat is now the inbox of this bot.');

    const customer = fake.createUser({ firstName: 'Carol' });
    await fake.waitFor(() => fake.callsInFlight().length === 0); // the confirmation's call has been answered
    fake.setLatency(LATENCY_MS);
    fake.userSends(bot.id, customer.id, 'Is my parcel lost?');
    const relaying = () =>
      fake.callsInFlight().some((c) => c.botId === bot.id && c.method === 'sendMessage' && c.chatId === String(master.id));
    await fake.waitFor(relaying, { timeoutMs: 15_000 });
    await app.kill();
    await fake.waitFor(() => fake.callsInFlight().length === 0); // Telegram posts it, answering no one
    fake.setLatency(0);

    await app.start();
    const again = await inBotChat('↻ Sent again after a restart');
    expect(again.text).toBe(
      '↻ Sent again after a restart — an earlier copy may exist; you can answer either.\n💬 Carol\n\nIs my parcel lost?',
    );
    const copies = fake.sent(bot.id, master.id).filter((s) => (s.text ?? '').endsWith('Is my parcel lost?'));
    expect(copies).toHaveLength(2);
    fake.userSends(bot.id, master.id, { text: 'No, it is on its way.', replyToMessageId: again.messageId });
    await fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'No, it is on its way.', {
      timeoutMs: 15_000,
    });
  }, 90_000);
});
