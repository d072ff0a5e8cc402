import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionsService, READ_MODEL_DATA_SOURCE } from '../src/projections/projections.service';
import { AppHarness } from './support/app-harness';
import { masterBotSays } from './support/master-steps';
import { createMysqlTestDb, MysqlTestDb } from './support/mysql-test-db';
import { eventually } from './support/scripted-reactor';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';

/**
 * The first minutes of a new deployment on MySQL/MariaDB: an empty read-model database, every projection
 * and reactor writing its first checkpoint at once while the first masters and customers arrive.
 */
describe('a fresh MariaDB read-model database', () => {
  let db: MysqlTestDb;
  let h: AppHarness;
  const logged: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    // Whatever logger the app is configured with, every component logs through Nest's Logger.
    for (const level of ['error', 'warn'] as const) {
      spies.push(
        jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown, ...context: unknown[]) {
          logged.push(`${level} ${String((this as unknown as { context?: string }).context ?? context.at(-1))}: ${String(message)}`);
        }),
      );
    }
    db = await createMysqlTestDb();
    h = await AppHarness.start({ databaseUrl: db.url });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await db?.drop();
    for (const spy of spies) spy.mockRestore();
  });

  it('takes its first updates from several masters and customers at once without a deadlock, and loses none', async () => {
    const masters: FakeUser[] = Array.from({ length: 4 }, (_, i) => h.fake.createUser({ firstName: `Owner${i}` }));
    for (const master of masters) h.fake.userSends(h.masterBot.id, master.id, '/start');
    await Promise.all(masters.map((master) => masterBotSays(h, master, 'Welcome to FeedbackBots')));

    const bots: CreatedBot[] = masters.map((_, i) => h.fake.createBot({ username: `fresh_shop_${i}_bot` }));
    masters.forEach((master, i) => {
      h.fake.userSends(h.masterBot.id, master.id, '/add');
      h.fake.userSends(h.masterBot.id, master.id, bots[i].token);
    });
    await Promise.all(masters.map((master, i) => masterBotSays(h, master, `@${bots[i].username} is attached`)));

    const texts = masters.map((_, i) => [`Do you deliver to district ${i}?`, `What are the opening hours of shop ${i}?`]);
    masters.forEach((_, i) => {
      for (const text of texts[i]) h.fake.userSends(bots[i].id, h.fake.createUser({ firstName: `Buyer${i}` }).id, text);
    });
    await Promise.all(masters.flatMap((master, i) => texts[i].map((text) => masterBotSays(h, master, text))));

    // Every projection saw everything: the read models hold each bot and each relayed message. The fake sees a
    // relay before the app records its outcome (`MessageRelayed`, what message_refs is built from): wait for those
    // first (a lost one fails here after 10 s), then for every projection to reach the head.
    const readModels = h.app.get<DataSource>(READ_MODEL_DATA_SOURCE);
    const projections = h.app.get(ProjectionsService);
    const count = async (sql: string) => Number((await readModels.query<{ n: number | string }[]>(sql))[0].n);
    const relayedCopies = 'SELECT COUNT(DISTINCT bot_id, customer_id, customer_message_id) AS n FROM message_refs';
    await eventually('every relay recorded in message_refs', async () => (await count(relayedCopies)) >= masters.length * 2);
    for (const name of ['client_bots', 'message_refs', 'customers'])
      expect({ name, caughtUp: await projections.catchUp(name, 10_000) }).toEqual({ name, caughtUp: true });
    expect(await count("SELECT COUNT(*) AS n FROM client_bots WHERE status = 'attached'")).toBe(masters.length);
    expect(await count(relayedCopies)).toBe(masters.length * 2);
    expect(await count('SELECT COUNT(*) AS n FROM customers')).toBe(masters.length * 2);

    expect(logged.filter((line) => /deadlock/i.test(line))).toEqual([]);
  });
});
