import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationId, conversationStreamId } from '../../domain/conversation/conversation.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { CustomerStartCommand, ReceiveCustomerMessageCommand } from './customer-message.command';

/** What a relay needs to finish after a crash, sealed under the conversation's key. */
export interface RelayContent {
  text: string;
  customer: { firstName: string; lastName?: string; username?: string };
}

@CommandHandler(ReceiveCustomerMessageCommand)
export class ReceiveCustomerMessageHandler implements ICommandHandler<ReceiveCustomerMessageCommand> {
  private readonly logger = new Logger('CustomerMessage');

  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, botId, customer, messageId, text }: ReceiveCustomerMessageCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached') {
      this.logger.warn(`message for client bot ${botId}, which is not attached: dropped`);
      return null;
    }
    const { firstName, lastName, username } = customer;
    const content: RelayContent = { text, customer: { firstName, lastName, username } };
    return this.aggregates.handle(
      conversationStreamId(botId, customer.id),
      conversationDecider,
      {
        type: 'ReceiveMessage',
        botId,
        customerId: customer.id,
        masterId: bot.masterId,
        messageId,
        content: await this.vault.seal(conversationId(botId, customer.id), content),
      },
      origin,
    );
  }
}

@CommandHandler(CustomerStartCommand)
export class CustomerStartHandler implements ICommandHandler<CustomerStartCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, customerId }: CustomerStartCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached') return null;
    return this.aggregates.handle(
      conversationStreamId(botId, customerId),
      conversationDecider,
      { type: 'CustomerStart', botId, customerId, masterId: bot.masterId },
      origin,
    );
  }
}
