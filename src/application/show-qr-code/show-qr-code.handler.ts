import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { ShowQrCodeCommand } from './show-qr-code.command';

@CommandHandler(ShowQrCodeCommand)
export class ShowQrCodeHandler extends MasterCommandHandler<ShowQrCodeCommand> {
  protected toDomain({ masterId, startParameter }: ShowQrCodeCommand): MasterUserCommand {
    return { type: 'RequestQr', masterId, startParameter };
  }
}
