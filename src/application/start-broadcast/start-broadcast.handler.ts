import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { RequestBroadcastCommand } from './start-broadcast.command';

@CommandHandler(RequestBroadcastCommand)
export class RequestBroadcastHandler extends MasterCommandHandler<RequestBroadcastCommand> {
  protected toDomain({ masterId }: RequestBroadcastCommand): MasterUserCommand {
    return { type: 'RequestBroadcast', masterId };
  }
}
