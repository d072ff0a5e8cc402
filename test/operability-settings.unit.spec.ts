import { loadConfig } from '../src/infrastructure/config/app-config';

const base = { MASTER_BOT_TOKEN: '1234567890:AAHk8vJ3c7YQw0n2Zx9LrT5uPq1sXy4Bc_d' };

describe('operability settings (logs, health, metrics)', () => {
  it('defaults to readable text logs at the log level, readiness failing after 60 s, no health or metrics token', () => {
    expect(loadConfig(base).observability).toEqual({
      logFormat: 'text',
      logLevel: 'log',
      healthFailingAfterSeconds: 60,
      healthToken: null,
      metricsToken: null,
    });
  });

  it('refuses an unknown LOG_FORMAT or LOG_LEVEL with a message naming the variable', () => {
    expect(() => loadConfig({ ...base, LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be one of text, json');
    expect(() => loadConfig({ ...base, LOG_LEVEL: 'info' })).toThrow('LOG_LEVEL must be one of error, warn, log, debug, verbose');
  });

  it('refuses a HEALTH_FAILING_AFTER_SECONDS that is not a whole number of seconds from 1', () => {
    for (const bad of ['0', '1.5', 'soon', '-3'])
      expect(() => loadConfig({ ...base, HEALTH_FAILING_AFTER_SECONDS: bad })).toThrow(
        'HEALTH_FAILING_AFTER_SECONDS must be a whole number',
      );
    expect(loadConfig({ ...base, HEALTH_FAILING_AFTER_SECONDS: '5' }).observability.healthFailingAfterSeconds).toBe(5);
  });

  it('refuses a HEALTH_TOKEN or METRICS_TOKEN shorter than 16 characters, without echoing it', () => {
    expect(() => loadConfig({ ...base, HEALTH_TOKEN: 'short-secret' })).toThrow('HEALTH_TOKEN must be at least 16 characters');
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short-secret' })).toThrow('METRICS_TOKEN must be at least 16 characters');
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short-secret' })).not.toThrow('short-secret');
  });
});
