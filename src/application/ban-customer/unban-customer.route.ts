import { ButtonRoute } from '../shared/button-route';
import { UnbanCustomerCommand } from './ban-customer.command';

/** The Unban buttons of /banned (`unban:<bot>:<customer>`), in the MasterBot chat. */
export const unbanButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, clientBotId }) => {
    const unban = clientBotId === null ? /^unban:(\d+):(\d+)$/.exec(data) : null;
    return unban ? new UnbanCustomerCommand(origin, pressedBy, Number(unban[1]), Number(unban[2])) : null;
  },
};
