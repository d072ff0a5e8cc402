import 'reflect-metadata';
import 'dotenv/config';
import { startApp } from './bootstrap';
import { ConfigError, loadConfig } from './infrastructure/config/app-config';

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
  await startApp(config);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
