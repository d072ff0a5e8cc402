import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { masterUserDecider } from '../../domain/master-user/master-user.decider';
import { masterStreamId } from '../../domain/master-user/master-user.events';
import { AggregateStore } from '../command-handling/aggregate-store';
import { ConfirmTeamGroupCommand } from './team-group.commands';

/** M12: the master's answer to "link this group?"; only the question asked last is obeyed (see the decider). */
@CommandHandler(ConfirmTeamGroupCommand)
export class ConfirmTeamGroupHandler implements ICommandHandler<ConfirmTeamGroupCommand> {
  constructor(private readonly aggregates: AggregateStore) {}

  execute({ origin, masterId, botId, chatId, accept }: ConfirmTeamGroupCommand) {
    return this.aggregates.handle(
      masterStreamId(masterId),
      masterUserDecider,
      { type: 'ConfirmTeamGroup', masterId, botId, chatId, accept },
      origin,
    );
  }
}
