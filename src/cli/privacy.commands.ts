import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { ErasureInputError, openCustomerErasure } from '../privacy/customer-erasure';
import { CliResources } from './cli-resources';
import { CliUsageError, EXIT, positiveId, runCommandGroup } from './cli-errors';
import { writeLine } from './output';

@SubCommand({
  name: 'erase',
  description: "crypto-shred a customer's content (all bots, or one with --bot): their keys are deleted, the audit history stays",
})
export class PrivacyEraseCommand extends CommandRunner {
  constructor(private readonly resources: CliResources) {
    super();
  }

  @Option({ flags: '--customer <telegramUserId>', description: "the customer's Telegram user id", required: true })
  parseCustomer(value: string): string {
    return value;
  }

  @Option({ flags: '--bot <botId>', description: 'only their conversation with this client bot' })
  parseBot(value: string): string {
    return value;
  }

  @Option({ flags: '--yes', description: 'really erase (without it, only shows what would be erased)' })
  parseYes(): boolean {
    return true;
  }

  async run(_params: string[], options: { customer?: string; bot?: string; yes?: boolean }): Promise<void> {
    const customerId = positiveId('--customer', options.customer);
    const botId = options.bot === undefined ? undefined : positiveId('--bot', options.bot);
    let erasure;
    try {
      erasure = await openCustomerErasure(this.resources.settings());
    } catch (error) {
      if (error instanceof ErasureInputError) throw new CliUsageError(error.message);
      throw error;
    }
    try {
      const target = { customerId, botId };
      const conversations = await erasure.service.conversationsOf(target);
      if (conversations.length === 0) {
        writeLine(`Nothing to erase: customer ${customerId} has no conversation${botId ? ` with bot ${botId}` : ''}.`);
        return;
      }
      if (!options.yes) {
        writeLine(`Would erase the content of ${conversations.length} conversation(s): ${conversations.join(', ')}.`);
        writeLine('This cannot be undone. Run again with --yes to erase.');
        return;
      }
      const result = await erasure.service.erase(target);
      if (result.conversations.length > 0) {
        writeLine(
          `Erased: ${result.keysDeleted} key(s) deleted for ${result.conversations.join(', ')}. ` +
            'Their messages can no longer be read anywhere; the audit timeline keeps what happened, and the erasure itself.',
        );
      }
      if (result.missingKeys.length > 0) {
        // Nothing was erased or recorded for these: saying otherwise would be a false promise to the customer.
        writeLine(`NOT erased: ${result.missingKeys.join(', ')} — their keys are not in ${erasure.vaultFile}. Is DATA_DIR the app's?`);
        process.exitCode = EXIT.failed;
      }
    } finally {
      await erasure.close();
    }
  }
}

@Command({ name: 'privacy', description: "customers' data: erasure by crypto-shredding", subCommands: [PrivacyEraseCommand] })
export class PrivacyCommand extends CommandRunner {
  async run(params: string[]): Promise<void> {
    runCommandGroup(this.command, params);
  }
}

export const PRIVACY_COMMANDS = [PrivacyCommand, PrivacyEraseCommand];
