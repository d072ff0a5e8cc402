import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { DeleteAnswerCommand } from './delete-answer.command';

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
