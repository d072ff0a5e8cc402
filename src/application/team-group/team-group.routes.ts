import { TeamGroupCommandRoute } from '../shared/team-group-command-route';
import { ConnectTeamGroupCommand, ManageTopicCommand, TeamGroupHelpCommand, TopicAction } from './team-group.commands';

/** M12: `/connect` anywhere in the group: link it as the bot's team inbox (the master confirms). */
export const connectTeamGroupRoute: TeamGroupCommandRoute = {
  names: ['connect'],
  inTopicOnly: false,
  translate: ({ origin, botId, chatId, isForum, memberId }) => new ConnectTeamGroupCommand(origin, botId, chatId, isForum, memberId),
};

/** M12: `/help` in the group (answered in the topic it was typed in). */
export const teamGroupHelpRoute: TeamGroupCommandRoute = {
  names: ['help'],
  inTopicOnly: false,
  translate: ({ origin, botId, chatId, threadId }) => new TeamGroupHelpCommand(origin, botId, chatId, threadId),
};

/** M12: `/close` `/reopen` `/ban` `/unban` typed in a customer's topic. */
export const manageTopicRoute: TeamGroupCommandRoute = {
  names: ['close', 'reopen', 'ban', 'unban'],
  inTopicOnly: true,
  translate: ({ origin, botId, chatId, threadId, memberId, name }) =>
    new ManageTopicCommand(origin, botId, chatId, threadId!, memberId, name as TopicAction, 'command'),
};
