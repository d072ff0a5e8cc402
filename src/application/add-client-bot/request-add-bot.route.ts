import { MasterCommandRoute } from '../shared/master-command-route';
import { RequestAddBotCommand } from './request-add-bot.command';

/** `/add`: asks the master for a client bot's token. */
export const requestAddBotRoute: MasterCommandRoute = {
  command: '/add',
  translate: ({ origin, masterId }) => new RequestAddBotCommand(origin, masterId),
};
