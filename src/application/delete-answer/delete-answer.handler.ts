import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { DeleteAnswerCommand, DeleteAnswerInTopicCommand } from './delete-answer.command';

/**
 * M13: decided on the master's stream, where their answers are known (`answers`, from `ReplySent`): only
 * the master's own answer can be named, so no tenant can delete another's messages. The deletion itself
 * is the delivery reactor's, in the customer's lane after the delivery and any edits.
 */
@CommandHandler(DeleteAnswerCommand)
export class DeleteAnswerHandler implements ICommandHandler<DeleteAnswerCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ origin, masterId, answerMessageId }: DeleteAnswerCommand) {
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'DeleteAnswer', masterId, masterMessageId: answerMessageId },
      origin,
    );
  }
}

/**
 * M12: `/delete` in a customer's topic, decided on the stream of the bot's master (the linked group is their
 * inbox: any agent there may ask), against the agents' answers in that topic (`topicAnswers`).
 */
@CommandHandler(DeleteAnswerInTopicCommand)
export class DeleteAnswerInTopicHandler implements ICommandHandler<DeleteAnswerInTopicCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
  ) {}

  async execute({ origin, botId, chatId, threadId, agentId, answerMessageId }: DeleteAnswerInTopicCommand) {
    const bot = await this.directory.get(botId);
    if (!bot || bot.status !== 'attached' || bot.teamGroupChatId !== chatId) return null;
    const { masterId } = bot;
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'DeleteAnswer', masterId, masterMessageId: answerMessageId, inTopic: { botId, chatId, threadId, agentId } },
      origin,
    );
  }
}
