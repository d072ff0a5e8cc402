import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AppConfig } from './infrastructure/config/app-config';
import { RedactingLogger } from './infrastructure/redacting-logger';

/** Largest webhook body accepted; Telegram updates are a few KB. Bigger gets 413 and writes nothing. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds and starts the HTTP app (Nest on Fastify). Used by `main.ts`, the demo, the bench and e2e tests. */
export async function startApp(config: AppConfig, options: { logLevels?: LogLevel[] } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger: new RedactingLogger(options.logLevels ?? ['log', 'warn', 'error']),
  });
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  new Logger('FeedbackBots').log(`listening on port ${config.port}`);
  return app;
}
