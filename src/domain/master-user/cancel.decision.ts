import { MasterUserEvent } from './master-user.events';
import { Command, reject, transition } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** /cancel: back to Main from any question; at rest there is nothing to cancel. */
export function cancel(command: Command<'Cancel'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  return state.fsm === 'Main' ? [reject(masterId, '/cancel', 'nothing_to_cancel')] : [transition(masterId, state.fsm, 'Main', '/cancel')];
}
