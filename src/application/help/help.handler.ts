import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { HelpCommand } from './help.command';

@CommandHandler(HelpCommand)
export class HelpHandler extends MasterCommandHandler<HelpCommand> {
  protected toDomain({ masterId }: HelpCommand): MasterUserCommand {
    return { type: 'Help', masterId };
  }
}
