import { MasterCommandRoute } from '../shared/master-command-route';
import { ShowQrCodeCommand } from './show-qr-code.command';

/** `/qr` and `/qr <start parameter>` in the MasterBot chat (the parameter is validated by the decider). */
export const showQrCodeRoute: MasterCommandRoute = {
  command: '/qr',
  translate: ({ origin, masterId, argument }) => new ShowQrCodeCommand(origin, masterId, argument),
};
