/**
 * The bench's **floor** (issue 10): the least a relay can do with the same guarantees of durability, run by
 * `npm run bench` beside the app on the same load. Fastify takes a client bot's webhook, checks its secret,
 * inserts the update into SQLite with group commit (one transaction per turn of the event loop, WAL,
 * `synchronous=FULL`: as durable as the app's store, which flushes each commit itself) and answers 200 only after the commit; one catch-up loop reads the
 * rows in order and makes one `sendMessage` per row to the bot's master through the MasterBot.
 *
 * What it leaves out, on purpose: no aggregates, deciders, sealing, projections, dedupe, media, lanes or
 * retries. The app's figures are quoted as ratios to this one.
 *
 * Settings (environment): PORT, DATA_DIR, TELEGRAM_API_ROOT, MASTER_BOT_TOKEN and FLOOR_ROUTES, a JSON object
 * `{ "<botId>": { "secret": "…", "chatId": <master chat id> } }`.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { join } from 'node:path';

interface Route {
  secret: string;
  chatId: number;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const routes = JSON.parse(env('FLOOR_ROUTES')) as Record<string, Route>;
const apiRoot = env('TELEGRAM_API_ROOT');
const sendUrl = `${apiRoot}/bot${env('MASTER_BOT_TOKEN')}/sendMessage`;

const db = new Database(join(env('DATA_DIR'), 'floor.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS updates (position INTEGER PRIMARY KEY AUTOINCREMENT, bot_id INTEGER NOT NULL, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO updates (bot_id, body) VALUES (?, ?)');
const readAfter = db.prepare('SELECT position, bot_id AS botId, body FROM updates WHERE position > ? ORDER BY position LIMIT 200');

/** Group commit: every insert asked for in one turn of the event loop goes into one transaction. */
let pending: { botId: number; body: string; done: () => void }[] = [];
const commitAll = db.transaction((rows: typeof pending) => {
  for (const row of rows) insert.run(row.botId, row.body);
});
function record(botId: number, body: string): Promise<void> {
  return new Promise((resolve) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ botId, body, done: resolve });
  });
}
function flush(): void {
  const rows = pending;
  pending = [];
  commitAll(rows);
  for (const row of rows) row.done();
  wake?.();
}

/** The catch-up loop: strictly in order, one HTTP call per row, woken by a commit (or every 50 ms). */
let wake: (() => void) | undefined;
async function relayLoop(): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = readAfter.all(after) as { position: number; botId: number; body: string }[];
    if (rows.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
      continue;
    }
    for (const row of rows) {
      const update = JSON.parse(row.body) as { message?: { text?: string; from?: { first_name?: string } } };
      const text = `${update.message?.from?.first_name ?? 'Customer'} via bot ${row.botId}\n\n${update.message?.text ?? ''}`;
      const res = await fetch(sendUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: routes[row.botId].chatId, text }),
      });
      await res.arrayBuffer();
      after = row.position;
    }
  }
}

async function main(): Promise<void> {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.post<{ Params: { botId: string } }>('/telegram/client/:botId', async (request, reply) => {
    const route = routes[request.params.botId];
    if (!route) return reply.code(404).send({ ok: false });
    if (request.headers['x-telegram-bot-api-secret-token'] !== route.secret) return reply.code(401).send({ ok: false });
    await record(Number(request.params.botId), JSON.stringify(request.body));
    return { ok: true };
  });
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(env('PORT')), host: '127.0.0.1' });
  relayLoop().catch((error: unknown) => {
    console.error('floor relay loop failed:', error);
    process.exit(1);
  });
  console.log('FeedbackBots started (the bench floor)');
}

void main();
