import { MasterCommandRoute } from '../shared/master-command-route';
import { ListBotsCommand } from './list-bots.command';

/** `/bots` in the MasterBot chat. */
export const listBotsRoute: MasterCommandRoute = {
  command: '/bots',
  translate: ({ origin, masterId }) => new ListBotsCommand(origin, masterId),
};
