import { MasterCommandRoute } from '../shared/master-command-route';
import { DeleteAnswerCommand } from './delete-answer.command';

/** `/delete` in the MasterBot chat, as a reply to the answer to delete for the customer (M13); alone it names none. */
export const deleteAnswerRoute: MasterCommandRoute = {
  command: '/delete',
  translate: ({ origin, masterId, replyToMessageId }) => new DeleteAnswerCommand(origin, masterId, replyToMessageId),
};
