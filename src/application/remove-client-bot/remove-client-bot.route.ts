import { MasterCommandRoute } from '../shared/master-command-route';
import { RemoveClientBotCommand } from './remove-client-bot.command';

/** `/remove`: offers the master's bots to detach one. */
export const removeClientBotRoute: MasterCommandRoute = {
  command: '/remove',
  translate: ({ origin, masterId }) => new RemoveClientBotCommand(origin, masterId),
};
