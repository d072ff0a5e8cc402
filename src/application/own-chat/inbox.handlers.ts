import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { banCustomer } from '../ban-customer/ban-customer.handler';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { BanFromOwnChatCommand, ChooseInboxModeCommand, RequestInboxCommand } from './inbox.commands';

/** M14: `/inbox`: the bot picker (several bots), then the inbox buttons. */
@CommandHandler(RequestInboxCommand)
export class RequestInboxHandler implements ICommandHandler<RequestInboxCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ origin, masterId }: RequestInboxCommand) {
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'RequestInbox', masterId }, origin);
  }
}

/**
 * M14: an inbox button. Pressed in the MasterBot chat, it is decided on the presser's own stream (a bot that is not
 * theirs is refused there). Pressed in a client bot's chat, only the bot's owner can have those buttons: anyone
 * else's press is dropped unrecorded.
 */
@CommandHandler(ChooseInboxModeCommand)
export class ChooseInboxModeHandler implements ICommandHandler<ChooseInboxModeCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, userId, botId, mode, askedIn }: ChooseInboxModeCommand) {
    if (askedIn === 'bot_chat') {
      const bot = await this.directory.get(botId);
      if (bot?.masterId !== userId) return null;
    }
    return this.aggregates.handle(
      masterStreamId(userId),
      masterUserDecider,
      { type: 'ChooseInboxMode', masterId: userId, botId, mode, askedIn },
      origin,
    );
  }
}

/** M14: 🚫 Ban under a copy in the owner's chat with the bot: the owner's ban of the customer the button names. */
@CommandHandler(BanFromOwnChatCommand)
export class BanFromOwnChatHandler implements ICommandHandler<BanFromOwnChatCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, botId, userId, relayedFrom }: BanFromOwnChatCommand) {
    const bot = await this.directory.get(botId);
    if (bot?.masterId !== userId || bot.status !== 'attached' || relayedFrom.botId !== botId) return null;
    const { customerId } = relayedFrom;
    return banCustomer(
      this.aggregates,
      this.vault,
      { masterId: userId, botId, customerId, conversationId: conversationId(botId, customerId) },
      origin,
      undefined,
      {},
    );
  }
}

export const INBOX_HANDLERS = [RequestInboxHandler, ChooseInboxModeHandler, BanFromOwnChatHandler];
