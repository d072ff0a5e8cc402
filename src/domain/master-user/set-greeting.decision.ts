import { GREETING_MAX_LENGTH } from './master-user.commands';
import { MasterUserEvent } from './master-user.events';
import { Command, reject, transition } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** The greeting text, after /greeting and the bot's pick. */
export function setGreeting(command: Command<'SetGreeting'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const bot = state.chosenBot;
  if (state.fsm !== 'AwaitingGreeting' || !bot) return [reject(masterId, 'message', 'not_a_reply')];
  if (!command.greeting) return [reject(masterId, 'greeting', 'greeting_not_text')];
  if (command.length > GREETING_MAX_LENGTH) return [reject(masterId, 'greeting', 'greeting_too_long')];
  return [
    { type: 'GreetingSet', data: { masterId, botId: bot.botId, username: bot.username, greeting: command.greeting } },
    transition(masterId, 'AwaitingGreeting', 'Main', 'greeting text'),
  ];
}
