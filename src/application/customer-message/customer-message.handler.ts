import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationCommand } from '../../domain/conversation/conversation.commands';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationId, conversationStreamId } from '../../domain/conversation/conversation.events';
import { CommandOrigin } from '../../domain/shared/decider';
import { AggregateStore } from '../command-handling/aggregate-store';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory, ClientBotRecord, isRelaying } from '../ports/read-models.port';
import { OwnerMessages } from '../own-chat/owner-messages';
import {
  CustomerBlockedBotCommand,
  CustomerStartCommand,
  EditCustomerMessageCommand,
  ReceiveCustomerMessageCommand,
} from './customer-message.command';

/**
 * Customer traffic of one client bot, decided on the customer's conversation stream. A bot that is not
 * relaying (detached, paused by the plan, token revoked) records nothing: its update is acknowledged
 * and dropped.
 */
@Injectable()
abstract class ConversationHandler {
  protected readonly logger = new Logger('CustomerMessage');

  constructor(
    protected readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) protected readonly directory: BotDirectory,
  ) {}

  protected async decide(
    botId: number,
    customerId: number,
    origin: CommandOrigin,
    build: (masterId: number) => Promise<ConversationCommand>,
    fromOwner?: (bot: ClientBotRecord) => Promise<unknown>,
  ) {
    const bot = await this.directory.get(botId);
    if (!isRelaying(bot)) {
      this.logger.debug(`update for client bot ${botId}, which is not relaying: dropped`);
      return null;
    }
    // M14: the bot's owner writing to their own bot is never one of its customers (their chat may be its inbox).
    // Only the bot's own master: anyone else, another master included, is a customer like any other.
    if (customerId === bot.masterId) return fromOwner ? fromOwner(bot) : null;
    return this.aggregates.handle(conversationStreamId(botId, customerId), conversationDecider, await build(bot.masterId), origin);
  }
}

@CommandHandler(ReceiveCustomerMessageCommand)
export class ReceiveCustomerMessageHandler extends ConversationHandler implements ICommandHandler<ReceiveCustomerMessageCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
    private readonly owner: OwnerMessages,
  ) {
    super(aggregates, directory);
  }

  execute({ origin, botId, customer, messageId, sentAt, mediaGroupId, content, place }: ReceiveCustomerMessageCommand) {
    const { firstName, lastName, username, languageCode } = customer;
    const fromOwner = (bot: ClientBotRecord) => this.owner.message(bot, { messageId, content, place }, origin);
    return this.decide(
      botId,
      customer.id,
      origin,
      async (masterId) => ({
        type: 'ReceiveMessage',
        botId,
        customerId: customer.id,
        masterId,
        messageId,
        kind: content.kind,
        sentAt,
        ...(mediaGroupId ? { mediaGroupId } : {}),
        // What the relay needs to finish after a crash, sealed under the conversation's key.
        content: await this.vault.seal(conversationId(botId, customer.id), {
          content,
          customer: { firstName, lastName, username, languageCode },
        }),
        floodLimit: this.settings.floodLimitPerMinute,
      }),
      fromOwner,
    );
  }
}

@CommandHandler(EditCustomerMessageCommand)
export class EditCustomerMessageHandler extends ConversationHandler implements ICommandHandler<EditCustomerMessageCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    private readonly owner: OwnerMessages,
  ) {
    super(aggregates, directory);
  }

  execute({ origin, botId, customerId, messageId, editedAt, content }: EditCustomerMessageCommand) {
    const fromOwner = (bot: ClientBotRecord) => this.owner.edit(bot, { messageId, editedAt, content }, origin);
    return this.decide(
      botId,
      customerId,
      origin,
      async (masterId) => ({
        type: 'EditMessage',
        botId,
        customerId,
        masterId,
        messageId,
        editedAt,
        content: await this.vault.seal(conversationId(botId, customerId), { content }),
      }),
      fromOwner,
    );
  }
}

@CommandHandler(CustomerStartCommand)
export class CustomerStartHandler extends ConversationHandler implements ICommandHandler<CustomerStartCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
    private readonly owner: OwnerMessages,
  ) {
    super(aggregates, directory);
  }

  execute({ origin, botId, customerId, startParameter }: CustomerStartCommand) {
    return this.decide(
      botId,
      customerId,
      origin,
      async (masterId) => ({
        type: 'CustomerStart',
        botId,
        customerId,
        masterId,
        // The link's parameter is typed text (the master's, carried by the customer): sealed like content.
        ...(startParameter ? { startParameter: await this.vault.seal(conversationId(botId, customerId), { text: startParameter }) } : {}),
      }),
      (bot) => this.owner.start(bot, origin),
    );
  }
}

@CommandHandler(CustomerBlockedBotCommand)
export class CustomerBlockedBotHandler extends ConversationHandler implements ICommandHandler<CustomerBlockedBotCommand> {
  execute({ origin, botId, customerId, blocked }: CustomerBlockedBotCommand) {
    return this.decide(botId, customerId, origin, async (masterId) => ({ type: 'RecordBlocked', botId, customerId, masterId, blocked }));
  }
}
