import { MasterCommandRoute } from '../shared/master-command-route';
import { RequestGreetingCommand } from './set-greeting.command';

/** `/greeting`: starts setting a client bot's greeting. */
export const requestGreetingRoute: MasterCommandRoute = {
  command: '/greeting',
  translate: ({ origin, masterId }) => new RequestGreetingCommand(origin, masterId),
};
