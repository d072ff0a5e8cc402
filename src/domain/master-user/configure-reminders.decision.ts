import { REMINDER_HOURS } from './master-user.commands';
import { MasterUserEvent } from './master-user.events';
import { backToMain, Command, reject } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** /reminders <hours> | off (M11): hours outside the allowed range are refused. */
export function configureReminders(command: Command<'ConfigureReminders'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, hours } = command;
  if (hours !== null && !(hours >= REMINDER_HOURS.min && hours <= REMINDER_HOURS.max))
    return [reject(masterId, '/reminders', 'bad_reminder_hours')];
  return [...backToMain(state, masterId, '/reminders'), { type: 'RemindersConfigured', data: { masterId, hours } }];
}
