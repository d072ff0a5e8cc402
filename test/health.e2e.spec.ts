import { EVENT_STORE, EventStore } from '../src/application/ports/event-store.port';
import { createReadModelDataSource } from '../src/projections/read-model.datasource';
import { AppHarness } from './support/app-harness';
import { attachNewBot, registeredMaster } from './support/master-steps';
import type { CreatedBot, FakeUser } from './support/telegram-bot-api.fake';
import { createMysqlTestDb, MysqlTestDb } from './support/mysql-test-db';

const HEALTH_TOKEN = 'health-token-for-operators-only';

interface HealthBody {
  status: 'ok' | 'error';
  details: Record<string, { status: 'up' | 'down'; [key: string]: unknown }>;
  error?: Record<string, { status: string }>;
}

describe('health tells the truth (MySQL read models)', () => {
  let h: AppHarness;
  let db: MysqlTestDb;

  beforeAll(async () => {
    db = await createMysqlTestDb();
    h = await AppHarness.start({
      databaseUrl: db.url,
      logLevels: [],
      env: { HEALTH_FAILING_AFTER_SECONDS: '1', HEALTH_TOKEN },
    });
  });
  afterAll(async () => {
    await h.stop();
    await db.drop();
  });

  const get = async (path: string, token?: string) => {
    const response = await fetch(`${h.baseUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, body: (await response.json()) as HealthBody };
  };
  /** Polls readiness until it answers `status` (what a load balancer or Docker would see next); resolves with that answer. */
  const readinessBecomes = (status: number, token?: string) =>
    eventually(async () => {
      const answer = await get('/health/ready', token);
      return answer.status === status ? answer.body : undefined;
    });

  /**
   * The customer writes and the relay reaches the master once Telegram stops refusing it: after the retries'
   * back-off (six 500s take ~4 s, more when the machine is busy), so longer than a step's usual 5 s wait.
   */
  const relayedAfterRetries = (bot: CreatedBot, customer: FakeUser, master: FakeUser, text: string) => {
    h.fake.userSends(bot.id, customer.id, text);
    return h.fake.waitForSent((s) => s.botId === h.masterBot.id && s.chatId === master.id && (s.text ?? '').includes(text), {
      timeoutMs: 20_000,
    });
  };

  it('is ready when everything works, and shows the internet only up or down per component', async () => {
    for (const path of ['/health', '/health/ready']) {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      expect(body.status).toBe('ok');
      expect(body.details).toMatchObject({ eventStore: { status: 'up' }, readModels: { status: 'up' }, 'reactor:relay': { status: 'up' } });
      expect(Object.values(body.details).every((d) => Object.keys(d).join() === 'status')).toBe(true);
    }
    expect((await get('/health/live')).body).toEqual({ status: 'ok' });
  });

  it('shows positions, heads and lags only to a bearer of HEALTH_TOKEN', async () => {
    await registeredMaster(h, 'Gus');
    const shown = await eventually(async () => {
      const { body } = await get('/health', HEALTH_TOKEN);
      return typeof body.details['projection:master_users']?.position === 'string' ? body : undefined;
    });
    expect(shown.details.eventStore).toEqual({ status: 'up', head: expect.any(String) as string });
    expect(shown.details['reactor:relay']).toMatchObject({
      position: expect.any(String) as string,
      lagEvents: expect.any(Number) as number,
    });
    const wrong = await get('/health', 'not-the-health-token-at-all');
    expect(JSON.stringify(wrong.body)).not.toMatch(/head|position|lag/);
  });

  it('answers 503 while the event store fails, keeps liveness at 200, and is ready again when it comes back', async () => {
    const store = h.app.get<EventStore>(EVENT_STORE);
    const original = { headPosition: store.headPosition.bind(store), readAll: store.readAll.bind(store) };
    const unreachable = () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error'));
    Object.assign(store, { headPosition: unreachable, readAll: unreachable });
    try {
      const { status, body } = await get('/health');
      expect(status).toBe(503);
      expect(body.details.eventStore).toEqual({ status: 'down' });
      expect((await get('/health/ready', HEALTH_TOKEN)).body.details.eventStore).toEqual({
        status: 'down',
        error: 'SQLITE_IOERR: disk I/O error',
      });
      expect((await get('/health/live')).status).toBe(200);
    } finally {
      Object.assign(store, original);
    }
    await readinessBecomes(200);
  });

  it('answers 503 when the relay has been failing longer than HEALTH_FAILING_AFTER_SECONDS, and 200 once it relays again', async () => {
    const master = await registeredMaster(h, 'Hana');
    const bot = await attachNewBot(h, master, 'hana_health_bot');
    const customer = h.fake.createUser({ firstName: 'Ivo' });
    // Telegram answers 500 to the relay's sendMessage several times in a row (about 3 s of retries).
    h.fake.failNext(h.masterBot.id, 'sendMessage', { errorCode: 500, description: 'Internal Server Error' }, 6);
    const relayed = relayedAfterRetries(bot, customer, master, 'Is my order on its way?');
    relayed.catch(() => undefined); // awaited below; a failure above must not also surface as unhandled

    const down = await readinessBecomes(503, HEALTH_TOKEN);
    expect(Object.keys(down.error ?? {})).toEqual(['reactor:relay']);
    expect(down.details['reactor:relay']).toMatchObject({ status: 'down', lastError: expect.stringContaining('500') as string });

    await relayed;
    await readinessBecomes(200);
  });

  it('answers 503 when the relay is stuck behind without failing (waiting out a long 429) longer than the setting, and 200 after', async () => {
    const master = await registeredMaster(h, 'Jon');
    const bot = await attachNewBot(h, master, 'jon_health_bot');
    const customer = h.fake.createUser({ firstName: 'Kai' });
    h.fake.failNext(h.masterBot.id, 'sendMessage', { errorCode: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3 });
    const relayed = relayedAfterRetries(bot, customer, master, 'Anyone there?');
    relayed.catch(() => undefined);

    const down = await readinessBecomes(503, HEALTH_TOKEN);
    expect(Object.keys(down.error ?? {})).toEqual(['reactor:relay']);
    expect(down.details['reactor:relay']).toMatchObject({ status: 'down', failingSeconds: 0, lagEvents: 1 });

    await relayed;
    await readinessBecomes(200);
  });

  it('answers 503 when the read-model database is dropped, and 200 again once it is back', async () => {
    await serverQuery(db, `DROP DATABASE \`${db.name}\``); // not db.drop(): the suite's cleanup must still drop the recreated one
    await readinessBecomes(503);
    const { body } = await get('/health');
    expect(body.details.readModels).toEqual({ status: 'down' });
    expect(body.details.eventStore).toEqual({ status: 'up' });

    // The operator restores the database (here: empty, migrated): projections replay from the history.
    await recreate(db);
    await readinessBecomes(200);
  });
});

/** Polls `probe` until it gives a value (the tests assert outcomes, never how long they took). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no such answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function serverQuery(db: MysqlTestDb, sql: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const server = new URL(db.url);
  server.pathname = '';
  const conn = await createConnection({ uri: server.toString() });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

async function recreate(db: MysqlTestDb): Promise<void> {
  await serverQuery(db, `CREATE DATABASE \`${db.name}\` CHARACTER SET utf8mb4`);
  const readModels = createReadModelDataSource({ databaseUrl: db.url, dataDir: '' });
  await readModels.initialize();
  await readModels.runMigrations();
  await readModels.destroy();
}
