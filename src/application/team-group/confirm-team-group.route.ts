import { ButtonRoute } from '../shared/button-route';
import { ConfirmTeamGroupCommand, TEAM_GROUP_BUTTON } from './team-group.commands';

/** M12: the master's ✅ / ✖ on linking a team group (`team:<bot>:<chat>:yes|no`), in the MasterBot chat. */
export const confirmTeamGroupButtonRoute: ButtonRoute = {
  translate: ({ origin, pressedBy, data, clientBotId }) => {
    const team = clientBotId === null ? TEAM_GROUP_BUTTON.exec(data) : null;
    return team ? new ConfirmTeamGroupCommand(origin, pressedBy, Number(team[1]), Number(team[2]), team[3] === 'yes') : null;
  },
};
