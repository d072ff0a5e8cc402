import { MasterUserEvent } from './master-user.events';
import { backToMain, botRefusal, Command, reject, transition } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** ✍ Reply pressed: the next message is the answer to that customer, if their bot can carry it. */
export function startResponding(command: Command<'StartResponding'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, target } = command;
  if (!target) return [reject(masterId, 'reply', 'reply_target_unknown')];
  const refusal = botRefusal(state, target.botId);
  if (refusal) return [reject(masterId, 'reply', refusal)];
  return [
    ...backToMain(state, masterId, 'reply button'),
    { type: 'ReplyStarted', data: { masterId, target } },
    transition(masterId, 'Main', 'Responding', 'reply button'),
  ];
}

export function reply(command: Command<'Reply'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, target } = command;
  if (!target) return [reject(masterId, 'reply', 'reply_target_unknown', { messageId: command.masterMessageId })];
  // Tenant isolation: a reply only ever goes out through a bot this master has attached right now.
  const refusal = botRefusal(state, target.botId);
  if (refusal) return [reject(masterId, 'reply', refusal, { messageId: command.masterMessageId })];
  if (!command.content) return [reject(masterId, 'reply', 'unsupported_message', { messageId: command.masterMessageId })];
  const sent: MasterUserEvent = {
    type: 'ReplySent',
    data: { masterId, replyId: command.replyId, target, masterMessageId: command.masterMessageId, content: command.content },
  };
  return state.fsm === 'Responding' ? [sent, transition(masterId, 'Responding', 'Main', 'reply sent')] : [sent];
}
