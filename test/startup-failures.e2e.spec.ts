import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { AppProcess } from './support/app-process';
import { Cleanups } from './support/cleanups';
import { freePort } from './support/free-port';
import { MYSQL_TEST_URL } from './support/mysql-test-db';
import { FailedStart, LateProxy, runUntilExit, spawnedAppSettings } from './support/spawned-app';
import { CreatedBot, TelegramBotApiFake } from './support/telegram-bot-api.fake';
import { makeTempDir } from './support/temp-dir';

/**
 * An operator starts the real process with one setting wrong: it exits with code 2 after ONE line that
 * names the setting and says how to fix it — no stack trace, no secret — and takes nothing from Telegram.
 */
describe('start-up failures', () => {
  const cleanups = new Cleanups();
  let fake: TelegramBotApiFake;
  let masterBot: CreatedBot;
  afterEach(cleanups.runAll);
  beforeAll(async () => {
    fake = await TelegramBotApiFake.start();
    masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  });
  afterAll(async () => fake.stop());

  const settings = (overrides: Record<string, string> = {}) => spawnedAppSettings(fake, masterBot.token, cleanups, { ...overrides });

  /** Exit code 2, exactly one line saying it cannot start, naming `setting`, and no stack trace. */
  function expectRefused(result: FailedStart, setting: string, explanation: RegExp): string {
    expect(result.code).toBe(2);
    const refusals = result.lines.filter((line) => line.includes('Cannot start'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(`${setting}:`);
    expect(refusals[0]).toMatch(explanation);
    expect(result.output).not.toMatch(/^\s+at /m);
    return refusals[0];
  }

  it('a read-model database that does not exist: names DATABASE_URL and says how to create it', async () => {
    const url = new URL(MYSQL_TEST_URL);
    url.pathname = `/fbtest_missing_${randomBytes(4).toString('hex')}`;
    const result = await runUntilExit(await settings({ DATABASE_URL: url.toString() }));
    expectRefused(result, 'DATABASE_URL', /does not exist on .*CREATE DATABASE `fbtest_missing_/);
  });

  it('a read-model database server that cannot be reached: names DATABASE_URL and never echoes its password', async () => {
    const port = await freePort();
    const result = await runUntilExit(await settings({ DATABASE_URL: `mysql://feedback:s3cretPassw0rd@127.0.0.1:${port}/feedbackbots` }));
    expectRefused(result, 'DATABASE_URL', new RegExp(`127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`));
    expect(result.output).not.toContain('s3cretPassw0rd');
  });

  it('a MasterBot token Telegram rejects (401): names MASTER_BOT_TOKEN and never echoes it', async () => {
    const bot = fake.createBot({ username: 'RevokedMasterBot' });
    fake.revokeToken(bot.token);
    const result = await runUntilExit(await settings({ MASTER_BOT_TOKEN: bot.token }));
    expectRefused(result, 'MASTER_BOT_TOKEN', /Telegram rejects this token \(401 Unauthorized\).*@BotFather/);
    expect(result.output).not.toContain(bot.token.split(':')[1]);
  });

  it('a DATA_DIR that cannot be written: names DATA_DIR', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.remove);
    const aFile = join(tmp.dir, 'not-a-directory');
    writeFileSync(aFile, '');
    const result = await runUntilExit(await settings({ DATA_DIR: join(aFile, 'data') }));
    expectRefused(result, 'DATA_DIR', /is not a writable directory \(ENOTDIR\)/);
  });

  it('a port already in use: names PORT, and no update was taken from Telegram', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '0.0.0.0', resolve));
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const callsBefore = fake.calls.length;

    const result = await runUntilExit(await settings({ PORT: String(port) }));
    expectRefused(result, 'PORT', new RegExp(`port ${port} is already in use`));
    const intake = fake.calls.slice(callsBefore).filter((c) => c.botId === masterBot.id && /getupdates|webhook/i.test(c.method));
    expect(intake).toEqual([]);
  });

  it('a PUBLIC_URL Telegram refuses for webhooks: names PUBLIC_URL instead of retrying forever', async () => {
    fake.failNext(masterBot.id, 'setWebhook', {
      errorCode: 400,
      description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    });
    const env = await settings();
    const result = await runUntilExit({ ...env, PUBLIC_URL: `http://127.0.0.1:${env.PORT}` });
    expectRefused(
      result,
      'PUBLIC_URL',
      /Telegram refuses http:\/\/127\.0\.0\.1:\d+\/telegram\/master as a webhook .*use a public HTTPS URL/,
    );
  });

  it('Telegram unreachable at boot: waits with back-off, logging each attempt, and starts once it is back', async () => {
    const proxy = new LateProxy(await freePort(), Number(new URL(fake.apiRoot).port));
    cleanups.push(() => proxy.close());
    const env = await settings({ TELEGRAM_API_ROOT: `http://127.0.0.1:${proxy.port}` });
    const app = new AppProcess(env, Number(env.PORT));
    cleanups.push(() => app.stop());

    const started = app.start();
    started.catch(() => undefined); // awaited below; if an expectation fails first, its rejection must not land in another suite
    const retries = () => app.output.join('').match(/Telegram unreachable \(getMe: ECONNREFUSED\); attempt \d+, retrying/g) ?? [];
    for (const deadline = Date.now() + 15_000; retries().length < 2 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(retries().length).toBeGreaterThanOrEqual(2);
    await proxy.open();
    await started;

    const output = app.output.join('');
    // The stores it names are those of the project's engines: the embedded files, or EventStoreDB and MariaDB.
    // With a namespace on a shared EventStoreDB (EVENTSTORE_STREAM_PREFIX), the line names it too.
    const namespace = env.EVENTSTORE_STREAM_PREFIX ? ` (streams ${env.EVENTSTORE_STREAM_PREFIX}/…)` : '';
    const events = env.EVENTSTORE_URL
      ? `esdb ${new URL(env.EVENTSTORE_URL).host}${namespace}`
      : `sqlite ${join(env.DATA_DIR, 'events.sqlite')}`;
    const database = env.DATABASE_URL ? new URL(env.DATABASE_URL) : undefined;
    const readModels = database
      ? `mysql ${database.pathname.slice(1)}@${database.host}`
      : `sqlite ${join(env.DATA_DIR, 'read-models.sqlite')}`;
    expect(output).toContain(
      `FeedbackBots started as @FeedbackMasterBot: events ${events}, read models ${readModels}, polling, port ${env.PORT}`,
    );
    expect(output).not.toContain(masterBot.token.split(':')[1]);
  });
});
