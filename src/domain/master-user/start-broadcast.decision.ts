import { MasterUserEvent } from './master-user.events';
import { backToMain, botRefusal, Command, reject, transition } from './master-user.rules';
import { MasterUserState } from './master-user.state';
import { requestForBot } from './pick-bot.decision';

/** /broadcast: Pro only; then the bot (picked among the running ones). */
export function requestBroadcast(command: Command<'RequestBroadcast'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (state.plan.kind !== 'pro') return [...backToMain(state, masterId, '/broadcast'), reject(masterId, '/broadcast', 'pro_required')];
  return requestForBot(state, masterId, 'broadcast', null);
}

/** The message to broadcast, once the bot is chosen; the plan and the bot are checked again (they may have changed). */
export function submitBroadcast(command: Command<'SubmitBroadcast'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const bot = state.chosenBot;
  if (state.fsm !== 'AwaitingBroadcast' || !bot) return [reject(masterId, 'message', 'not_a_reply')];
  if (!command.content) return [reject(masterId, 'broadcast', 'broadcast_unsupported_message')];
  const refusal = state.plan.kind !== 'pro' ? 'pro_required' : botRefusal(state, bot.botId);
  if (refusal) return [transition(masterId, 'AwaitingBroadcast', 'Main', 'broadcast message'), reject(masterId, 'broadcast', refusal)];
  return [
    {
      type: 'BroadcastRequested',
      data: { masterId, botId: bot.botId, username: bot.username, broadcastId: command.broadcastId, content: command.content },
    },
    transition(masterId, 'AwaitingBroadcast', 'Main', 'broadcast message'),
  ];
}
