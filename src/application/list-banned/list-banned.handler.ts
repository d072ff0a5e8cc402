import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { ListBannedCommand } from './list-banned.command';

@CommandHandler(ListBannedCommand)
export class ListBannedHandler extends MasterCommandHandler<ListBannedCommand> {
  protected toDomain({ masterId }: ListBannedCommand): MasterUserCommand {
    return { type: 'ListBanned', masterId };
  }
}
