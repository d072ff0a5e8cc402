import { TeamGroupCommandRoute } from '../shared/team-group-command-route';
import { DeleteAnswerInTopicCommand } from './delete-answer.command';

/** M13: `/delete` in a customer's topic, replying to an agent's answer (none: refused by the handler). */
export const deleteAnswerInTopicRoute: TeamGroupCommandRoute = {
  names: ['delete'],
  inTopicOnly: true,
  translate: ({ origin, botId, chatId, threadId, memberId, repliedTo }) =>
    new DeleteAnswerInTopicCommand(origin, botId, chatId, threadId!, memberId, repliedTo),
};
