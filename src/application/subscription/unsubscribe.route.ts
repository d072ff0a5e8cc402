import { MasterCommandRoute } from '../shared/master-command-route';
import { UnsubscribeCommand } from './subscription.commands';

/** `/unsubscribe`: stops renewing Pro. */
export const unsubscribeRoute: MasterCommandRoute = {
  command: '/unsubscribe',
  translate: ({ origin, masterId }) => new UnsubscribeCommand(origin, masterId),
};
