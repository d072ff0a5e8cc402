import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { Clock } from './application/ports/clock.port';
import { AppConfig } from './infrastructure/config/app-config';
import { LifecycleService } from './infrastructure/lifecycle.service';
import { serverTimeouts } from './infrastructure/http/server-timeouts';
import { RedactingLogger } from './infrastructure/redacting-logger';
import { INSTANCE_LOCKS, runPreflight } from './infrastructure/startup/preflight';
import { startedLine } from './infrastructure/startup/started-line';
import { explainListenFailure } from './infrastructure/startup/startup-error';

/** Largest webhook body accepted; Telegram updates are a few KB. Bigger gets 413 and writes nothing. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds and starts the HTTP app (Nest on Fastify). Used by `main.ts`, the demo, the bench and e2e tests.
 * Order: checks and instance locks (runPreflight), stores, projections and reactors, the HTTP port,
 * and only then Telegram intake — so a start refused for a setting has taken no update. Settings
 * problems are thrown as StartupError (main prints one line, exit 2). Signals are main's to handle.
 */
export async function startApp(
  config: AppConfig,
  options: {
    logLevels?: LogLevel[];
    clock?: Clock;
    /** Called as soon as the app exists (before the port and intake): a stop signal from then on closes it gracefully. */
    onCreated?: (app: NestFastifyApplication) => void;
  } = {},
): Promise<NestFastifyApplication> {
  const logger = RedactingLogger.fromConfig(config.observability, options.logLevels);
  Logger.overrideLogger(logger); // the checks before Nest starts log like everything after
  const preflight = await runPreflight(config);
  let app: NestFastifyApplication | undefined;
  try {
    // Tests move scheduled time with their own clock.
    const module = AppModule.forRoot(config, { clock: options.clock });
    // Released by LifecycleService after it closed the stores.
    module.providers = [...(module.providers ?? []), { provide: INSTANCE_LOCKS, useValue: preflight }];
    // abortOnError off: a failure is thrown to the caller (main decides the exit code), not exit(1) here.
    app = await NestFactory.create<NestFastifyApplication>(
      module,
      // skipMiddie: the app has no Express-style middleware (no `configure(consumer)`, no `app.use`), so no
      // request passes through @fastify/middie's hook (~1 % of the inbound path's CPU samples). WARNING: with it
      // set, Nest believes middie registered; adding middleware later needs this option removed first (Nest
      // would call a missing `instance.use`).
      new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, skipMiddie: true, ...serverTimeouts(config.httpIdleTimeoutMs) }),
      {
        logger,
        abortOnError: false,
      },
    );
    options.onCreated?.(app);
    try {
      await app.listen(config.port, '0.0.0.0');
    } catch (error) {
      throw explainListenFailure(error, config.port);
    }
    await app.get(LifecycleService).startIntake();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await preflight.release();
    throw error;
  }
  new Logger('FeedbackBots').log(startedLine(config, preflight.identity));
  return app;
}
