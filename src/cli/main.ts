import 'reflect-metadata';
import 'dotenv/config';
import type { Command, CommanderError } from 'commander';
// The token nest-commander registers its commander program under (not re-exported by its index).
import { Commander } from 'nest-commander/src/constants';
import { CommandFactory } from 'nest-commander';
import { ConfigError } from '../infrastructure/config/app-config';
import { CliModule } from './cli.module';
import { CliUsageError, EXIT } from './cli-errors';

/**
 * `npm run --silent cli -- <command>`. Exit codes: 0 done, 1 a check failed (verify, anchor), 2 bad input or
 * settings (nothing changed), 3 any other error (the check did not run), 130 interrupted (re-run resumes).
 * Errors are one line on stderr.
 */
async function main(): Promise<void> {
  // Commander names the program after the script file; show what people actually type.
  process.argv[1] = 'npm run --silent cli --';
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    cliName: 'feedbackbots',
    logger: ['error'],
    // Errors from a command's run(): one line and an exit code, never a stack trace for bad input.
    serviceErrorHandler: reportError,
  });
  // Commander's own usage errors (unknown option, missing argument) exit with 1 by default, and an
  // override set on the program is not inherited by sub-commands built before it: set it on every one.
  const program = app.get<Command>(Commander);
  const exitOnUsageError = (error: CommanderError): never => {
    process.exit(
      error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT.ok : EXIT.usage,
    );
  };
  const overrideAll = (command: Command): void => {
    command.exitOverride(exitOnUsageError);
    command.commands.forEach(overrideAll);
  };
  overrideAll(program);
  try {
    await CommandFactory.runApplication(app);
  } finally {
    await app.close();
  }
}

function reportError(error: Error): void {
  if (error instanceof CliUsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
    process.exitCode = EXIT.usage;
  } else {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = EXIT.error;
  }
}

main().catch((error: unknown) => reportError(error instanceof Error ? error : new Error(String(error))));
