import { MasterUserEvent, RejectionReason } from './master-user.events';
import { backToMain, botRefusal, Command, reject } from './master-user.rules';
import { MasterUserState } from './master-user.state';
import { deleteInboxAnswer, editInboxAnswer, inInbox, mirrorInboxReaction } from './topic-sync.decisions';

/**
 * M13, the master's side of keeping a conversation in sync: what they do to an answer after sending it (edit,
 * `/delete`) and their reactions on relayed copies. An answer is found in the master's own history
 * (`state.answers`, from `ReplySent`), so nobody reaches a message of another tenant.
 */

/**
 * An edit of a message that is not one of the master's answers changes nothing and says nothing (masters
 * edit all sorts of messages); an edit of an answer whose delivery failed is told, since it cannot reach anyone.
 */
export function editAnswer(command: Command<'EditAnswer'>, state: MasterUserState): MasterUserEvent[] {
  if (inInbox(command)) return editInboxAnswer(command, state);
  const { masterId, masterMessageId, replyId, editedAt, content } = command;
  const answer = state.answers.get(masterMessageId);
  // A deleted answer has no copy left to edit.
  if (!answer || answer.replyId !== replyId || answer.deleted) return [];
  if (command.deliveryFailed) return [reject(masterId, 'edit', 'reply_not_delivered', { messageId: masterMessageId })];
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return [reject(masterId, 'edit', refusal, { messageId: masterMessageId })];
  return [{ type: 'ReplyEdited', data: { masterId, replyId, target: answer.target, masterMessageId, editedAt, content } }];
}

/** `/delete` replying to one of the master's own answers; anything else is refused with how to use it. */
export function deleteAnswer(command: Command<'DeleteAnswer'>, state: MasterUserState): MasterUserEvent[] {
  if (inInbox(command)) return deleteInboxAnswer(command, state);
  const { masterId, masterMessageId } = command;
  const refuse = (reason: RejectionReason) => [...backToMain(state, masterId, '/delete'), reject(masterId, '/delete', reason)];
  if (masterMessageId === null) return refuse('delete_needs_reply');
  const answer = state.answers.get(masterMessageId);
  if (!answer) return refuse('not_an_answer');
  if (answer.deleted) return refuse('answer_already_deleted');
  const refusal = botRefusal(state, answer.target.botId);
  if (refusal) return refuse(refusal);
  return [
    ...backToMain(state, masterId, '/delete'),
    { type: 'ReplyDeletionRequested', data: { masterId, replyId: answer.replyId, target: answer.target, masterMessageId } },
  ];
}

/** A reaction is no request: through a bot that cannot carry it (detached, paused, revoked) it is dropped unsaid. */
export function mirrorReaction(command: Command<'MirrorReaction'>, state: MasterUserState): MasterUserEvent[] {
  if (botRefusal(state, command.target.botId)) return [];
  if (command.inGroup || command.inOwnChat) return mirrorInboxReaction(command, state);
  return [{ type: 'MasterReacted', data: { masterId: command.masterId, target: command.target, emoji: command.emoji } }];
}
