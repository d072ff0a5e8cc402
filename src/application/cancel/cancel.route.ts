import { MasterCommandRoute } from '../shared/master-command-route';
import { CancelCommand } from './cancel.command';

/** `/cancel`: stops what the master was doing. */
export const cancelRoute: MasterCommandRoute = {
  command: '/cancel',
  translate: ({ origin, masterId }) => new CancelCommand(origin, masterId),
};
