import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationStreamId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BOT_DIRECTORY, BotDirectory, isRelaying, OWN_CHAT_COPIES, OwnChatCopyLookup } from '../ports/read-models.port';
import { RelayedCopyTargets } from '../shared/relayed-copy-targets';
import { AgentReactionCommand, CustomerReactionCommand, MasterReactionCommand } from './reaction.commands';

/**
 * M13: a master's reaction counts only on a relayed copy in their own chat (found as a reply's target is,
 * scoped by the master's chat); reactions on anything else (their own answers, notices) are not recorded.
 *
 * WARNING: a reaction update carries no inline keyboard, so the copy is found by its message id in the
 * `message_refs` read model only: a reaction on a copy whose relay is not projected yet is not mirrored.
 */
@CommandHandler(MasterReactionCommand)
export class MasterReactionHandler implements ICommandHandler<MasterReactionCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly targets: RelayedCopyTargets,
  ) {}

  async execute({ origin, masterId, messageId, emoji }: MasterReactionCommand) {
    const target = await this.targets.find(masterId, messageId, null);
    if (!target) return null;
    return this.aggregates.handle(masterStreamId(masterId), masterUserDecider, { type: 'MirrorReaction', masterId, target, emoji }, origin);
  }
}

/**
 * M13: decided on the customer's conversation, which knows their copies of the master's answers. M14: the owner's
 * reaction in their own chat with the bot is never a customer's: on a copy the bot relayed there (found by the bot's
 * own message id, `OWN_CHAT_COPIES`), it is mirrored on the customer's original, decided on the master's stream.
 */
@CommandHandler(CustomerReactionCommand)
export class CustomerReactionHandler implements ICommandHandler<CustomerReactionCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(OWN_CHAT_COPIES) private readonly ownChatCopies: OwnChatCopyLookup,
  ) {}

  async execute({ origin, botId, customerId, messageId, emoji }: CustomerReactionCommand) {
    const bot = await this.directory.get(botId);
    if (!isRelaying(bot)) return null;
    if (bot.masterId === customerId) {
      const target = await this.ownChatCopies.findOwnChatCopy(botId, messageId);
      if (!target) return null;
      const { masterId } = bot;
      return this.aggregates.handle(
        masterStreamId(masterId),
        masterUserDecider,
        { type: 'MirrorReaction', masterId, target, emoji, inOwnChat: { botId } },
        origin,
      );
    }
    return this.aggregates.handle(
      conversationStreamId(botId, customerId),
      conversationDecider,
      { type: 'RecordCustomerReaction', botId, customerId, masterId: bot.masterId, messageId, emoji },
      origin,
    );
  }
}

/**
 * M12/M13: an agent's reaction in the bot's team group counts only on a copy this bot relayed there (found by
 * its message id in that group, as a reply's target is in a master's chat), and is decided on the bot's
 * master's stream. WARNING: as for the master's reactions, a copy whose relay is not indexed yet is not mirrored.
 */
@CommandHandler(AgentReactionCommand)
export class AgentReactionHandler implements ICommandHandler<AgentReactionCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly targets: RelayedCopyTargets,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, agentId, messageId, emoji }: AgentReactionCommand) {
    const bot = await this.directory.get(botId);
    if (!isRelaying(bot) || bot.teamGroupChatId !== chatId) return null;
    const target = await this.targets.find(chatId, messageId, null);
    if (!target || target.botId !== botId) return null;
    const { masterId } = bot;
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'MirrorReaction', masterId, target, emoji, inGroup: { botId, chatId, agentId } },
      origin,
    );
  }
}
