import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationDecider } from '../../domain/conversation/conversation.decider';
import { conversationId, conversationStreamId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { linkedTopic } from '../../domain/master-user/team-group.decisions';
import { banCustomer } from '../ban-customer/ban-customer.handler';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { ManageTopicCommand } from './team-group.commands';

/**
 * M12: `/close`, `/reopen`, `/ban` and `/unban` in a customer's topic, and a topic closed or reopened by hand. Decided on
 * the bot's master's stream (whoever typed it: the linked group is the master's inbox, so its members act for
 * them), and only for a topic that master's relay opened in the group the bot is linked to right now: the same
 * command in an unlinked group, in General or in another tenant's topic does nothing. A ban (an unban) is the
 * very ban (unban) of the MasterBot chat (`CustomerBanned`/`CustomerUnbanned` on the conversation), noting the
 * topic it was typed in.
 */
@CommandHandler(ManageTopicCommand)
export class ManageTopicHandler implements ICommandHandler<ManageTopicCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, botId, chatId, threadId, agentId, action, how }: ManageTopicCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached') return null;
    const { masterId } = bot;
    const stream = masterStreamId(masterId);
    if (action === 'close' || action === 'reopen') {
      const closed = action === 'close';
      return this.aggregates.handle(
        stream,
        masterUserDecider,
        { type: 'MarkConversation', masterId, botId, chatId, threadId, by: agentId, closed, how },
        origin,
      );
    }
    const topic = linkedTopic(await this.aggregates.current(stream, masterUserDecider), botId, chatId, threadId);
    if (!topic) return null;
    const { customerId } = topic;
    if (action === 'unban') {
      // The very unban of /banned in the MasterBot chat, noting the topic it was typed in; not banned: nothing.
      const unban = { type: 'Unban' as const, botId, customerId, masterId, topic: { chatId, threadId, agentId } };
      return this.aggregates.handle(conversationStreamId(botId, customerId), conversationDecider, unban, origin);
    }
    const target = { masterId, botId, customerId, conversationId: conversationId(botId, customerId) };
    return banCustomer(this.aggregates, this.vault, target, origin, { chatId, threadId, agentId });
  }
}
