import { AppProcess } from './support/app-process';
import { Cleanups } from './support/cleanups';
import { freePort } from './support/free-port';
import { createMysqlTestDb } from './support/mysql-test-db';
import { runUntilExit, spawnedAppSettings } from './support/spawned-app';
import { CreatedBot, TelegramBotApiFake } from './support/telegram-bot-api.fake';

/**
 * With an embedded store (SQLite events here), one app process per data: a second one on the same DATA_DIR
 * (replies sent twice) or the same MySQL read-model database (its events skipped) is refused at start, and
 * a crashed instance never blocks its own restart. Replicas (EventStoreDB + MySQL) are allowed instead:
 * `replicas.e2e`, `replica-startup.int`.
 */
describe('one instance per data', () => {
  const cleanups = new Cleanups();
  let fake: TelegramBotApiFake;
  let masterBot: CreatedBot;
  beforeAll(async () => {
    fake = await TelegramBotApiFake.start();
    masterBot = fake.createBot({ username: 'FeedbackMasterBot' });
  });
  afterEach(cleanups.runAll);
  afterAll(async () => fake.stop());

  const settings = (overrides: Record<string, string> = {}) =>
    spawnedAppSettings(fake, masterBot.token, cleanups, { POLLING_TIMEOUT_SECONDS: '1', ...overrides });

  async function running(env: Record<string, string>): Promise<AppProcess> {
    const app = new AppProcess(env, Number(env.PORT));
    cleanups.push(() => app.kill());
    await app.start();
    return app;
  }

  it('a second process on the same DATA_DIR exits with code 2 and says why; after the first is killed, a new one starts', async () => {
    const env = await settings();
    const first = await running(env);

    const second = await runUntilExit({ ...env, PORT: String(await freePort()) });
    expect(second.code).toBe(2);
    const refusal = second.lines.filter((line) => line.includes('Cannot start'));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(`DATA_DIR: another FeedbackBots process is already running on ${env.DATA_DIR}`);

    await first.kill();
    await running(env);
  });

  it('a second process on the same MySQL read-model database, with its own DATA_DIR, exits with code 2; after a SIGKILL, a new one starts', async () => {
    const db = await createMysqlTestDb();
    cleanups.push(db.drop);
    const first = await running(await settings({ DATABASE_URL: db.url }));
    expect(first.output.join('')).toContain(`read models mysql ${db.name}@127.0.0.1:3306, polling`);

    const second = await runUntilExit(await settings({ DATABASE_URL: db.url }));
    expect(second.code).toBe(2);
    const refusal = second.lines.filter((line) => line.includes('Cannot start'));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toContain(
      `DATABASE_URL: another FeedbackBots process already uses the read-model database ${db.name}@127.0.0.1:3306`,
    );

    await first.kill();
    await running(await settings({ DATABASE_URL: db.url }));
  });
});
