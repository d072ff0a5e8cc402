import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { conversationId } from '../../domain/conversation/conversation.events';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId, ReplyTarget } from '../../domain/master-user/master-user.events';
import { topicOfThread } from '../../domain/master-user/master-user.state';
import { AggregateStore } from '../command-handling/aggregate-store';
import { CONTENT_VAULT, ContentVault } from '../ports/crypto.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { AnswerInTopicCommand } from './team-group.commands';

/**
 * M12: a member's message in a customer's topic answers that customer. The topic is looked up in the bot's
 * master's own state (topics their relay opened), never in a read model: intake of answers needs only the
 * event store, and another tenant's topic cannot resolve. The decision checks it again on the state it decides on.
 */
@CommandHandler(AnswerInTopicCommand)
export class AnswerInTopicHandler implements ICommandHandler<AnswerInTopicCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(CONTENT_VAULT) private readonly vault: ContentVault,
  ) {}

  async execute({ origin, botId, chatId, threadId, agentId, messageId, content }: AnswerInTopicCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached') return null;
    const stream = masterStreamId(bot.masterId);
    const state = await this.aggregates.current(stream, masterUserDecider);
    const topic = state.topics[topicOfThread(botId, chatId, threadId)];
    // A member chatting in a topic that is not a customer's (or in General): nothing to deliver.
    if (!topic) return null;
    const target: ReplyTarget = {
      botId,
      customerId: topic.customerId,
      conversationId: conversationId(botId, topic.customerId),
      // An answer from a topic replies to no particular customer message (nobody pressed Reply).
      customerMessageId: 0,
      relayedMessageId: 0,
    };
    const sealed = content ? await this.vault.seal(target.conversationId, { content }) : null;
    return this.aggregates.handle(
      stream,
      masterUserDecider,
      {
        type: 'AnswerInTopic',
        masterId: bot.masterId,
        replyId: origin.causationId,
        agent: { agentId, chatId, threadId, messageId },
        target,
        content: sealed,
      },
      origin,
    );
  }
}
