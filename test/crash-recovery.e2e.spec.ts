import { randomBytes } from 'node:crypto';
import { AppProcess } from './support/app-process';
import { TelegramBotApiFake } from './support/telegram-bot-api.fake';
import { makeTempDir } from './support/temp-dir';
import { freePort } from './support/free-port';
import { EngineSettings, engineSettings } from './support/test-engines';

describe('a crash between "recorded" and "sent"', () => {
  let fake: TelegramBotApiFake;
  let app: AppProcess;
  let engines: EngineSettings | undefined;
  const tmp = makeTempDir();

  afterAll(async () => {
    await app?.kill();
    await fake?.stop();
    await engines?.release();
    tmp.remove();
  });

  it('loses nothing: a customer message recorded before the process was killed is relayed after the restart', async () => {
    fake = await TelegramBotApiFake.start({ webhookRetryDelayMs: 20 });
    const masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
    const clientBot = fake.createBot({ username: 'crash_test_bot' });
    const master = fake.createUser({ firstName: 'Alice' });
    const customer = fake.createUser({ firstName: 'Carol' });
    const port = await freePort();
    engines = await engineSettings();
    app = new AppProcess(
      {
        MASTER_BOT_TOKEN: masterBot.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        PORT: String(port),
        DATA_DIR: tmp.dir,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ...engines.env,
      },
      port,
    );
    await app.start();
    const masterSees = (text: string) =>
      fake.waitForSent((s) => s.botId === masterBot.id && s.chatId === master.id && (s.text ?? '').includes(text), { timeoutMs: 15_000 });

    fake.userSends(masterBot.id, master.id, '/start');
    fake.userSends(masterBot.id, master.id, '/add');
    await masterSees('send me the token');
    fake.userSends(masterBot.id, master.id, clientBot.token);
    await masterSees('is attached');

    // Telegram is failing for the MasterBot: the relay is recorded but cannot be sent yet.
    fake.failNext(masterBot.id, 'sendMessage', { errorCode: 502, description: 'Bad Gateway' }, 3);
    const asked = fake.userSends(clientBot.id, customer.id, 'Is my order lost?');
    await fake.waitFor((v) => v.deliveries.find((d) => d.botId === clientBot.id && d.updateId === asked.updateId && d.status === 200));
    await fake.waitForCall('sendMessage', (c) => c.botId === masterBot.id && c.status === 502);

    await app.kill();
    await app.start();

    const relayed = await masterSees('Is my order lost?');
    expect(relayed.text).toContain('Carol');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.sent(masterBot.id, master.id).filter((s) => (s.text ?? '').includes('Is my order lost?'))).toHaveLength(1);
  });
});
