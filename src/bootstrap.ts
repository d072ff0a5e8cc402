import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { Clock, CLOCK } from './application/ports/clock.port';
import { AppConfig } from './infrastructure/config/app-config';
import { serverTimeouts } from './infrastructure/http/server-timeouts';
import { RedactingLogger } from './infrastructure/redacting-logger';

/** Largest webhook body accepted; Telegram updates are a few KB. Bigger gets 413 and writes nothing. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds and starts the HTTP app (Nest on Fastify). Used by `main.ts`, the demo, the bench and e2e tests. */
export async function startApp(
  config: AppConfig,
  options: { logLevels?: LogLevel[]; clock?: Clock } = {},
): Promise<NestFastifyApplication> {
  const module = AppModule.forRoot(config);
  // A later provider for the same token replaces the earlier one: tests move scheduled time with their own clock.
  if (options.clock) module.providers = [...(module.providers ?? []), { provide: CLOCK, useValue: options.clock }];
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, ...serverTimeouts(config.httpIdleTimeoutMs) }),
    {
      logger: new RedactingLogger(options.logLevels ?? ['log', 'warn', 'error']),
    },
  );
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  new Logger('FeedbackBots').log(`listening on port ${config.port}`);
  return app;
}
