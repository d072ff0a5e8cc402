import { deleteAnswerInTopicRoute } from './delete-answer/delete-answer-in-topic.route';
import { TeamGroupCommandRoute } from './shared/team-group-command-route';
import { connectTeamGroupRoute, manageTopicRoute, teamGroupHelpRoute } from './team-group/team-group.routes';

/** M12: the slash commands a client bot hears in a team group, routed by their slices (see team-group-translator.ts). */
export const TEAM_GROUP_COMMAND_ROUTES: readonly TeamGroupCommandRoute[] = [
  connectTeamGroupRoute,
  teamGroupHelpRoute,
  deleteAnswerInTopicRoute,
  manageTopicRoute,
];
