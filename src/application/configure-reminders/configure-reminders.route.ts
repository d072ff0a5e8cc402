import { MasterCommandRoute } from '../shared/master-command-route';
import { ConfigureRemindersCommand } from './configure-reminders.command';

/** "/reminders 2" → 2, "/reminders off" → null; anything else is NaN, which the decider refuses. */
function reminderHours(argument: string | null): number | null {
  if (argument?.toLowerCase() === 'off') return null;
  return argument !== null && /^\d+(\.\d+)?$/.test(argument) ? Number(argument) : NaN;
}

/** `/reminders <hours>` or `/reminders off`: reminders of unanswered messages. */
export const configureRemindersRoute: MasterCommandRoute = {
  command: '/reminders',
  translate: ({ origin, masterId, argument }) => new ConfigureRemindersCommand(origin, masterId, reminderHours(argument)),
};
