import { BanCustomerCommand } from '../ban-customer/ban-customer.command';
import { readRelayButton } from '../reactors/relay-buttons';
import { ButtonRoute } from '../shared/button-route';
import { StartRespondingCommand } from './reply-to-customer.command';

/** ✍ Reply and 🚫 Ban under a relayed copy in the MasterBot chat (`reply:…` / `ban:…`, relay-buttons.ts). */
export const relayButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, messageId, clientBotId }) => {
    if (clientBotId !== null) return null;
    const relay = readRelayButton(data);
    if (!relay || messageId === null) return null;
    if (relay.action === 'reply') return new StartRespondingCommand(origin, pressedBy, messageId, relay.relayedFrom);
    return new BanCustomerCommand(origin, pressedBy, messageId, relay.relayedFrom);
  },
};
