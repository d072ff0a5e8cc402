import { MasterUserEvent } from './master-user.events';
import { Command, reject } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** A message that is no answer and no command: a mistyped token is deleted (a secret), anything else explained. */
export function plainMessage(command: Command<'PlainMessage'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (state.fsm === 'AwaitingBotToken')
    return [reject(masterId, 'token', 'token_malformed', { messageId: command.messageId, deleteMessage: true })];
  return [reject(masterId, 'message', state.fsm === 'Responding' ? 'unsupported_message' : 'not_a_reply')];
}
