import { MasterCommandRoute } from '../shared/master-command-route';
import { HelpCommand } from './help.command';

/** `/help` in the MasterBot chat. */
export const helpRoute: MasterCommandRoute = {
  command: '/help',
  translate: ({ origin, masterId }) => new HelpCommand(origin, masterId),
};
