import { MasterCommandRoute } from '../shared/master-command-route';
import { RequestBroadcastCommand } from './start-broadcast.command';

/** `/broadcast`: starts a broadcast to a client bot's customers (Pro). */
export const requestBroadcastRoute: MasterCommandRoute = {
  command: '/broadcast',
  translate: ({ origin, masterId }) => new RequestBroadcastCommand(origin, masterId),
};
