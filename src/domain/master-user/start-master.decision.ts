import { MasterUserEvent } from './master-user.events';
import { backToMain, Command } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** /start: registers a new master; a registered one sees the welcome again (a repeat is harmless). */
export function startMaster(command: Command<'Start'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (!state.registered) return [{ type: 'MasterRegistered', data: { masterId, firstName: command.firstName } }];
  return [...backToMain(state, masterId, '/start'), { type: 'WelcomeShown', data: { masterId } }];
}
