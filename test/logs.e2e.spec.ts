import { randomBytes } from 'node:crypto';
import { AppProcess } from './support/app-process';
import { freePort } from './support/free-port';
import { TelegramBotApiFake } from './support/telegram-bot-api.fake';
import { makeTempDir } from './support/temp-dir';
import { EngineSettings, engineSettings } from './support/test-engines';

/**
 * The real app as an operator runs it, its output piped (as to a file or a log shipper): what it prints
 * must be shippable as is.
 */
describe('the logs of the running app, piped', () => {
  let fake: TelegramBotApiFake;
  const tmp = makeTempDir();
  let running: AppProcess | undefined;
  const engines: EngineSettings[] = [];

  beforeAll(async () => {
    fake = await TelegramBotApiFake.start();
  });
  afterAll(async () => {
    await running?.kill();
    await fake.stop();
    await Promise.all(engines.map((e) => e.release()));
    tmp.remove();
  });

  /** Starts the app with `env`, makes it log a warning that holds a bot token, stops it, returns its output lines. */
  async function run(name: string, env: Record<string, string>): Promise<string[]> {
    const masterBot = fake.createBot({ username: `${name}_master_bot` });
    // Telegram refuses setMyCommands once; the app logs a warning that quotes the refusal.
    fake.failNext(masterBot.id, 'setMyCommands', { errorCode: 400, description: `Bad Request: token ${masterBot.token} rejected` });
    const port = await freePort();
    const engine = await engineSettings();
    engines.push(engine);
    const app = new AppProcess(
      {
        MASTER_BOT_TOKEN: masterBot.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        PORT: String(port),
        DATA_DIR: `${tmp.dir}/${name}`,
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        POLLING_TIMEOUT_SECONDS: '1',
        ...engine.env,
        ...env,
      },
      port,
    );
    running = app;
    await app.start();
    await app.stop();
    running = undefined;
    const lines = app.output
      .join('')
      .split('\n')
      .filter((line) => line.length > 0);
    expect(lines.join('\n')).not.toContain(masterBot.token.split(':')[1]);
    return lines;
  }

  it('with LOG_FORMAT=json prints only JSON lines, tokens redacted, without the route table', async () => {
    const lines = await run('json', { LOG_FORMAT: 'json' });
    const entries = lines.map((line) => JSON.parse(line) as { level: string; context?: string; message: string });
    expect(entries.find((e) => e.level === 'warn' && e.message.includes('setMyCommands'))?.message).toMatch(/token \d+:\*\*\* rejected/);
    expect(entries.some((e) => e.context === 'RouterExplorer' || e.context === 'RoutesResolver')).toBe(false);
  });

  it('in text mode prints readable lines without colour codes or the route table; LOG_LEVEL=debug brings the route table back', async () => {
    const text = (await run('text', {})).join('\n');
    expect(text).toMatch(/WARN \[Lifecycle\] setMyCommands/);
    expect(text).not.toContain('\x1b[');
    expect(text).not.toContain('Mapped {');
    expect((await run('debug', { LOG_LEVEL: 'debug' })).join('\n')).toContain('Mapped {/health/ready, GET} route');
  });
});
