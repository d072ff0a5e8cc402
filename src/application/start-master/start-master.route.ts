import { MasterCommandRoute } from '../shared/master-command-route';
import { StartMasterCommand } from './start-master.command';

/** `/start` in the MasterBot chat: registers the master (once) and welcomes them. */
export const startMasterRoute: MasterCommandRoute = {
  command: '/start',
  translate: ({ origin, masterId, firstName }) => new StartMasterCommand(origin, masterId, firstName),
};
