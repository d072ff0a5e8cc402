import { exec } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppHarness } from './support/app-harness';
import { attachNewBot, customerWrites, registeredMaster } from './support/master-steps';
import { makeTempDir } from './support/temp-dir';

const ROOT = join(__dirname, '..');

/**
 * The operator CLI commands README.md documents, in the README's order. Taken from the auditors' and the
 * developers' sections: every line of a code block, and every inline `…`, that runs the CLI through npm.
 */
function documentedCliCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands: string[] = [];
  for (const line of readme.split('\n')) {
    const inBlock = /^npm run .*\bcli -- /.test(line) ? [line] : [];
    const inline = [...line.matchAll(/`(npm run [^`]*\bcli -- [^`]*)`/g)].map((m) => m[1]);
    for (const command of [...inBlock, ...inline])
      commands.push(
        command
          .replace(/\s+#.*$/, '') // the comment after a command
          .replace(/\[([^\]]*)\]/g, '$1') // an optional part: given
          .trim(),
      );
  }
  return commands;
}

interface ShellRun {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The README's commands as a reader runs them: through npm, in a shell (redirects included), from the
 * project directory, with the settings of the installation and nothing else.
 */
describe("the README's CLI commands, run as written", () => {
  let h: AppHarness;
  const out = makeTempDir('feedbackbots-readme-');
  const runs: ShellRun[] = [];
  let ids: { master: number; bot: number; customer: number };

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    h = await AppHarness.start();
    const master = await registeredMaster(h, 'Ada');
    const bot = await attachNewBot(h, master, 'ada_readme_bot');
    const customer = h.fake.createUser({ firstName: 'Carl' });
    const relayed = await customerWrites(h, bot, customer, master, 'Is the README right?');
    h.fake.userSends(h.masterBot.id, master.id, { text: 'Every word of it.', replyToMessageId: relayed.messageId });
    await h.fake.waitForSent((s) => s.botId === bot.id && s.chatId === customer.id && s.text === 'Every word of it.');
    await h.shutdown();
    ids = { master: master.id, bot: bot.id, customer: customer.id };

    for (const documented of documentedCliCommands()) {
      const command = onThisInstallation(documented);
      runs.push({ command, ...(await shell(command)) });
    }
  }, 240_000);

  afterAll(async () => {
    await h?.stop();
    out.remove();
  });

  /**
   * The README's example values become this installation's (master 42, customer 555, bot 7001, the
   * example dates around today), and files are written to a temp directory instead of the checkout.
   * Each example value must still be in the README: a changed example fails here instead of going untested.
   */
  function onThisInstallation(command: string): string {
    const day = 24 * 3600 * 1000;
    const examples: [RegExp, string][] = [
      [/--master 42\b/, `--master ${ids.master}`],
      [/conversation-7001-555\b/, `conversation-${ids.bot}-${ids.customer}`],
      [/--customer 555\b/, `--customer ${ids.customer}`],
      [/--bot 7001\b/, `--bot ${ids.bot}`],
      [/--from 2026-11-01\b/, `--from ${new Date(Date.now() - day).toISOString().slice(0, 10)}`],
      [/--to 2026-11-21T12:00Z/, `--to ${new Date(Date.now() + day).toISOString()}`],
      [/(>|--check) ([\w.-]+\.(json|ndjson))\b/, `$1 ${out.dir}/$2`],
    ];
    let result = command;
    for (const [example, value] of examples) while (example.test(result)) result = result.replace(example, value);
    return result;
  }

  function shell(command: string): Promise<Omit<ShellRun, 'command'>> {
    return new Promise((resolve) => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? out.dir,
        DATA_DIR: h.dataDir,
        TOKEN_ENCRYPTION_KEY: h.tokenKey,
        // A developer's .env in the checkout must not point these commands (a rebuild!) at real stores.
        DOTENV_CONFIG_PATH: join(out.dir, 'no.env'),
      };
      exec(command, { cwd: ROOT, env, shell: '/bin/sh' }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  const ran = (pattern: RegExp): ShellRun => {
    const run = runs.find((r) => pattern.test(r.command));
    if (!run) throw new Error(`README.md documents no command matching ${String(pattern)}`);
    return run;
  };

  it('documents the timeline, its NDJSON export, stream, verify, anchor and its check, erase, and the projection commands', () => {
    for (const pattern of [
      /audit timeline --master \d+$/,
      /--format ndjson > /,
      /audit stream conversation-/,
      /audit verify --all/,
      /audit anchor > /,
      /audit anchor --check /,
      /privacy erase --customer/,
      /projections status/,
      /projections rebuild --all/,
    ])
      expect(ran(pattern)).toBeDefined();
  });

  it('runs every documented command successfully', () => {
    const failed = runs.filter((r) => r.code !== 0).map((r) => `${r.command} → exit ${r.code}: ${r.stderr.trim()}`);
    expect(failed).toEqual([]);
  });

  it("writes no npm banner into any command's output", () => {
    for (const run of runs) expect(run.stdout).not.toMatch(/^> feedbackbots@/m);
  });

  it('writes an anchor file that parses as JSON and that --check then accepts', () => {
    const anchor = JSON.parse(readFileSync(join(out.dir, 'anchor-2026-11-21.json'), 'utf8')) as Record<string, unknown>;
    expect(typeof anchor).toBe('object');
    expect(ran(/audit anchor --check /).code).toBe(0);
  });

  it('exports the timeline as NDJSON: one JSON event per line, nothing else', () => {
    const lines = readFileSync(join(out.dir, 'export.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(JSON.parse(line)).toEqual(expect.objectContaining({ type: expect.any(String) as string }));
  });

  it("shows the master's timeline and the stream in the terminal", () => {
    expect(ran(/audit timeline --master \d+$/).stdout).toMatch(/MasterRegistered/);
    expect(ran(/audit stream conversation-/).stdout).toMatch(/CustomerMessageReceived/);
  });
});
