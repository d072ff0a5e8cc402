import { MasterCommandRoute } from '../shared/master-command-route';
import { ListBannedCommand } from './list-banned.command';

/** `/banned` in the MasterBot chat. */
export const listBannedRoute: MasterCommandRoute = {
  command: '/banned',
  translate: ({ origin, masterId }) => new ListBannedCommand(origin, masterId),
};
