import { BotPurpose } from '../../domain/master-user/master-user.events';
import { ButtonRoute } from '../shared/button-route';
import { PickBotCommand } from './pick-bot.command';

const PURPOSES: readonly BotPurpose[] = ['remove', 'qr', 'greeting', 'broadcast', 'inbox'];

/** The picker's buttons, `pick:<purpose>:<bot id>`, in the MasterBot chat. */
export const pickBotButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, clientBotId }) => {
    if (clientBotId !== null) return null;
    const pick = /^pick:([a-z]+):(\d+)$/.exec(data);
    if (pick && (PURPOSES as readonly string[]).includes(pick[1]))
      return new PickBotCommand(origin, pressedBy, pick[1] as BotPurpose, Number(pick[2]));
    // The first release's /remove keyboard (`remove:<bot id>`) may still be on screen after an upgrade.
    const legacyRemove = /^remove:(\d+)$/.exec(data);
    if (legacyRemove) return new PickBotCommand(origin, pressedBy, 'remove', Number(legacyRemove[1]));
    return null;
  },
};
