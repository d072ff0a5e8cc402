import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import type { FakeUser, CreatedBot } from './support/telegram-bot-api.fake';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The operator's CLI as an operator runs it: its own process (`node dist/src/cli/main.js …`), on the
 * same data directory as the running app, with only the storage settings in its environment.
 */
function cli(h: AppHarness, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      // A developer's .env in the checkout must not point these runs at real stores (the CLI reads .env).
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: h.dataDir,
        TOKEN_ENCRYPTION_KEY: h.tokenKey,
        DOTENV_CONFIG_PATH: join(h.dataDir, 'no.env'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the operator CLI (audit, projections, privacy) on a live installation', () => {
  let h: AppHarness;
  let master: FakeUser;
  let customer: FakeUser;
  let bot: CreatedBot;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    h = await AppHarness.start();
    master = await registeredMaster(h, 'Ada');
    bot = await attachNewBot(h, master, 'ada_shop_bot');
    customer = h.fake.createUser({ firstName: 'Carl' });
    const relayed = await customerWrites(h, bot, customer, master, 'Where is my parcel number 4711?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'It left the depot this morning.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'It left the depot this morning.');
  });

  afterAll(async () => {
    await h?.stop();
  });

  it("prints a master's timeline with the state machine's transitions, triggers and correlation, and no token", async () => {
    const run = await cli(h, ['audit', 'timeline', '--master', String(master.id)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/MasterRegistered/);
    expect(run.stdout).toMatch(/ClientBotAttached/);
    expect(run.stdout).toMatch(/Main → AwaitingBotToken/);
    expect(run.stdout).toMatch(/AwaitingBotToken → Main/);
    expect(run.stdout).toMatch(/SubmitBotToken/);
    expect(run.stdout).toMatch(/CustomerMessageReceived/);
    expect(run.stdout).toMatch(/ReplyDelivered/);
    expect(run.stdout).not.toContain(bot.token);
    expect(run.stdout).not.toContain(bot.token.split(':')[1]);
    expect(run.stdout).not.toContain('parcel number 4711');
  });

  it('exports the timeline as NDJSON, one parseable event per line, and filters by time', async () => {
    const run = await cli(h, ['audit', 'timeline', '--master', String(master.id), '--format', 'ndjson']);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; position: string; trigger: string | null });
    expect(lines.map((l) => l.type)).toEqual(
      expect.arrayContaining(['MasterRegistered', 'ClientBotAttached', 'MessageRelayed', 'ReplyDelivered']),
    );
    const positions = lines.map((l) => BigInt(l.position));
    expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
    expect(run.stdout).not.toContain(bot.token);

    const future = await cli(h, ['audit', 'timeline', '--master', String(master.id), '--format', 'ndjson', '--from', '2999-01-01']);
    expect(future.code).toBe(0);
    expect(future.stdout.trim()).toBe('');
  });

  it('prints one stream', async () => {
    const run = await cli(h, ['audit', 'stream', `master-${master.id}`, '--format', 'json']);
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as { streamId: string; revision: number }[];
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries.every((e) => e.streamId === `master-${master.id}`)).toBe(true);
    expect(entries.map((e) => e.revision)).toEqual(entries.map((_, i) => i));
  });

  it('refuses bad input with a clear message, exit code 2, and changes nothing', async () => {
    const bad = await cli(h, ['audit', 'timeline', '--master', 'ada']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--master must be a positive whole number/);
    const missing = await cli(h, ['audit', 'timeline']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--master/);
    const badDate = await cli(h, ['audit', 'stream', `master-${master.id}`, '--from', 'yesterday']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--from must be an ISO date/);
    const neither = await cli(h, ['audit', 'verify']);
    expect(neither.code).toBe(2);
    const badSetting = await cli(h, ['audit', 'verify', '--all'], { DATABASE_URL: 'postgres://nope' });
    expect(badSetting.code).toBe(2);
    expect(badSetting.stderr).toMatch(/DATABASE_URL must start with mysql:/);
    // A DATA_DIR that is not the app's would be an empty store where every check passes: refused.
    const elsewhere = await cli(h, ['audit', 'verify', '--all'], { DATA_DIR: join(h.dataDir, 'not-here') });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/no events\.sqlite in .*not-here: set DATA_DIR to the app's data directory/);
    expect(existsSync(join(h.dataDir, 'not-here'))).toBe(false);
    const unknown = await cli(h, ['projections', 'rebuild', 'no_such_projection']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no_such_projection/);
    expect(unknown.stderr).toMatch(/message_refs/);
    // A misspelt sub-command is an error, not a help page that exits 0 as if the command had run.
    const typo = await cli(h, ['audit', 'verfy']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command 'verfy' for 'audit'/);
  });

  it('lists its commands with --help', async () => {
    const run = await cli(h, ['--help']);
    expect(run.code).toBe(0);
    for (const command of ['audit', 'projections', 'privacy']) expect(run.stdout).toContain(command);
    const audit = await cli(h, ['audit', '--help']);
    for (const command of ['timeline', 'stream', 'verify', 'anchor']) expect(audit.stdout).toContain(command);
  });

  it('shows every projection caught up with the head of the history', async () => {
    const run = await cli(h, ['projections', 'status', '--format', 'json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { name: string; checkpoint: string | null; head: string | null; lagEvents: number }[];
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['master_users', 'client_bots', 'message_refs', 'customers', 'scheduled_jobs']),
    );
    for (const row of rows) {
      expect(row.lagEvents).toBe(0);
      expect(row.checkpoint).toBe(row.head);
    }
    const text = await cli(h, ['projections', 'status']);
    expect(text.stdout).toMatch(/message_refs\s+\d+\s+0\s/);
  });

  it('rebuilds every projection into fresh tables while the app runs, and the product still works on them', async () => {
    const before = dumpReadModels(h);
    const run = await cli(h, ['projections', 'rebuild', '--all']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Rebuilt .*message_refs.*events replayed in .* events\/s/);
    expect(dumpReadModels(h)).toEqual(before);

    // The rebuilt message_refs table still routes a reply to the customer.
    const again = await customerWrites(h, bot, customer, master, 'And the invoice, please?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Sent to your e-mail.', replyToMessageId: again.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Sent to your e-mail.');
  });

  it('verifies every hash chain, anchors the heads, and finds a tampered event precisely', async () => {
    const ok = await cli(h, ['audit', 'verify', '--all']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK/);

    const anchor = await cli(h, ['audit', 'anchor']);
    expect(anchor.code).toBe(0);
    const anchorFile = join(h.dataDir, 'anchor.json');
    writeFileSync(anchorFile, anchor.stdout);
    expect((await cli(h, ['audit', 'anchor', '--check', anchorFile])).code).toBe(0);
    const { root } = JSON.parse(anchor.stdout) as { root: string };
    expect((await cli(h, ['audit', 'anchor', '--check', anchorFile, '--root', root])).code).toBe(0);
    // The root kept elsewhere is not the one this file's heads hash to: the file was edited (or is another one).
    const otherRoot = (root[0] === 'a' ? 'b' : 'a') + root.slice(1);
    const mismatch = await cli(h, ['audit', 'anchor', '--check', anchorFile, '--root', otherRoot]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout).toMatch(/^MISMATCH/);

    // Someone with write access to the store edits a recorded event: the attach now names another bot.
    const db = new Database(join(h.dataDir, 'events.sqlite'));
    const row = db
      .prepare("SELECT position, revision, data FROM events WHERE stream_id = ? AND type = 'ClientBotAttached'")
      .get(`master-${master.id}`) as {
      position: number;
      revision: number;
      data: string;
    };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('ada_shop_bot', 'evil_shop_bot'), row.position);
    db.close();

    const broken = await cli(h, ['audit', 'verify', `master-${master.id}`]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^BROKEN/);
    expect(broken.stdout).toContain(`master-${master.id} @ revision ${row.revision}`);
    expect(broken.stdout).toMatch(/content-altered/);
    expect((await cli(h, ['audit', 'verify', '--all'])).code).toBe(1);
    const json = JSON.parse((await cli(h, ['audit', 'verify', '--all', '--format', 'json'])).stdout) as {
      ok: boolean;
      breaks: { streamId: string; revision: number }[];
    };
    expect(json.ok).toBe(false);
    expect(json.breaks).toEqual([expect.objectContaining({ streamId: `master-${master.id}`, revision: row.revision })]);

    // Put it back: the chain is whole again.
    const restore = new Database(join(h.dataDir, 'events.sqlite'));
    restore.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data, row.position);
    restore.close();
    expect((await cli(h, ['audit', 'verify', '--all'])).code).toBe(0);
  });

  it("erases a customer's content: a dry run first, then keys gone, while the timeline keeps what happened", async () => {
    const dry = await cli(h, ['privacy', 'erase', '--customer', String(customer.id)]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would erase .*conversation-/);
    expect(dry.stdout).toMatch(/--yes/);

    const run = await cli(h, ['privacy', 'erase', '--customer', String(customer.id), '--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Erased: 1 key/);

    const timeline = await cli(h, ['audit', 'timeline', '--master', String(master.id), '--format', 'ndjson']);
    const types = timeline.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['CustomerMessageReceived', 'MessageRelayed', 'ReplyDelivered', 'CustomerContentErased']));

    const nothing = await cli(h, ['privacy', 'erase', '--customer', '424242', '--yes']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/Nothing to erase/);
  });
});

/** Every read-model row but the checkpoints (their update times differ), in a stable order. */
function dumpReadModels(h: AppHarness): Record<string, unknown[]> {
  const db = new Database(join(h.dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('migrations', 'projection_checkpoints') ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((t) => t.name);
    return Object.fromEntries(
      tables.map((t) => [
        t,
        db
          .prepare(`SELECT * FROM "${t}"`)
          .all()
          .map((r) => JSON.stringify(r))
          .sort(),
      ]),
    );
  } finally {
    db.close();
  }
}
