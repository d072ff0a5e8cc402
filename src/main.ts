import 'reflect-metadata';
import 'dotenv/config';
import { Logger } from '@nestjs/common';
import { startApp } from './bootstrap';
import { ConfigError, loadConfig } from './infrastructure/config/app-config';
import { stopOnSignals } from './infrastructure/startup/shutdown-signals';
import { STARTUP_FAILURE_EXIT_CODE, StartupError } from './infrastructure/startup/startup-error';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nSee .env.example for every setting.`);
      process.exit(2);
    }
    throw error;
  }
  const signals = stopOnSignals();
  try {
    // Attached as soon as the app exists: a SIGTERM while the port opens or intake starts (a supervisor
    // stopping an app it just saw healthy) closes stores, locks and reactors, not just the process.
    await startApp(config, { onCreated: (app) => signals.attach(app) });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    // One line naming the setting, no stack trace: the operator's fix is in the message.
    new Logger('FeedbackBots').error(error.message);
    process.exit(STARTUP_FAILURE_EXIT_CODE);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
