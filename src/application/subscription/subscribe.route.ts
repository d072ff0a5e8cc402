import { MasterCommandRoute } from '../shared/master-command-route';
import { SubscribeCommand } from './subscription.commands';

/** `/subscribe`: offers Pro. */
export const subscribeRoute: MasterCommandRoute = {
  command: '/subscribe',
  translate: ({ origin, masterId }) => new SubscribeCommand(origin, masterId),
};
