import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { ConfigureRemindersCommand } from './configure-reminders.command';

@CommandHandler(ConfigureRemindersCommand)
export class ConfigureRemindersHandler extends MasterCommandHandler<ConfigureRemindersCommand> {
  protected toDomain({ masterId, hours }: ConfigureRemindersCommand): MasterUserCommand {
    return { type: 'ConfigureReminders', masterId, hours };
  }
}
