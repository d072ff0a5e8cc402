import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { RequestGreetingCommand } from './set-greeting.command';

@CommandHandler(RequestGreetingCommand)
export class RequestGreetingHandler extends MasterCommandHandler<RequestGreetingCommand> {
  protected toDomain({ masterId }: RequestGreetingCommand): MasterUserCommand {
    return { type: 'RequestGreeting', masterId };
  }
}
