import { logLevelsFrom, RedactingLogger } from '../src/infrastructure/redacting-logger';

const TOKEN = '1234567890:AAHk8vJ3c7YQw0n2Zx9LrT5uPq1sXy4Bc_d';

/** Everything the logger wrote to stdout and stderr while `run` ran, split into lines. */
function printed(run: () => void): string[] {
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => (out.push(String(chunk)), true);
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    run();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out
    .join('')
    .split('\n')
    .filter((line) => line.length > 0);
}

describe('logs an operator can ship', () => {
  it('in JSON mode prints one parseable JSON object per line, with a bot token redacted', () => {
    const logger = new RedactingLogger(logLevelsFrom('log'), { json: true });
    const lines = printed(() => {
      logger.log(`client bot attached with ${TOKEN}`, 'Attach');
      logger.error(`getMe failed for ${TOKEN}`, `Error: 401\n    at call (${TOKEN})`, 'Telegram');
    });
    expect(lines).toHaveLength(2);
    const [info, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(info).toMatchObject({ level: 'log', context: 'Attach', message: 'client bot attached with 1234567890:***' });
    expect(error).toMatchObject({ level: 'error', context: 'Telegram', message: 'getMe failed for 1234567890:***' });
    expect(String(error.stack)).toContain('1234567890:***');
    expect(lines.join('\n')).not.toContain(TOKEN.split(':')[1]);
  });

  it('in text mode redacts tokens in the message and in the stack trace', () => {
    const logger = new RedactingLogger(logLevelsFrom('log'), { colors: false });
    const text = printed(() => logger.error(`getMe failed for ${TOKEN}`, `Error: 401\n    at call (${TOKEN})`, 'Telegram')).join('\n');
    expect(text).toContain('getMe failed for 1234567890:***');
    expect(text).not.toContain(TOKEN.split(':')[1]);
  });

  it('prints no colour codes when stdout is not a terminal', () => {
    const isTTY = process.stdout.isTTY;
    process.stdout.isTTY = false;
    try {
      const logger = new RedactingLogger(logLevelsFrom('log'));
      const text = printed(() => logger.warn('webhook mode', 'Lifecycle')).join('\n');
      expect(text).toContain('[Lifecycle] webhook mode');
      expect(text).not.toContain('\x1b[');
    } finally {
      process.stdout.isTTY = isTTY;
    }
  });

  it('keeps Nest’s route table and module list out of the default level, and shows them at debug', () => {
    const noise = (logger: RedactingLogger) =>
      printed(() => {
        logger.log('Mapped {/health, GET} route', 'RouterExplorer');
        logger.log('TelegramWebhookController {/telegram}:', 'RoutesResolver');
        logger.log('AppModule dependencies initialized', 'InstanceLoader');
        logger.log('webhook mode', 'Lifecycle');
      });
    expect(noise(new RedactingLogger(logLevelsFrom('log'), { colors: false }))).toEqual([expect.stringContaining('webhook mode')]);
    expect(noise(new RedactingLogger(logLevelsFrom('debug'), { colors: false }))).toHaveLength(4);
  });

  it('LOG_LEVEL=warn prints warnings and errors only', () => {
    const logger = new RedactingLogger(logLevelsFrom('warn'), { colors: false });
    const lines = printed(() => {
      logger.log('started');
      logger.warn('slow');
      logger.error('broken');
    });
    expect(lines.map((l) => /(LOG|WARN|ERROR)/.exec(l)?.[1])).toEqual(['WARN', 'ERROR']);
  });
});
