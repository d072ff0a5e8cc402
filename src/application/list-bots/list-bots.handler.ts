import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { ListBotsCommand } from './list-bots.command';

@CommandHandler(ListBotsCommand)
export class ListBotsHandler extends MasterCommandHandler<ListBotsCommand> {
  protected toDomain({ masterId }: ListBotsCommand): MasterUserCommand {
    return { type: 'ListBots', masterId };
  }
}
