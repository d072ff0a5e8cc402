import { MasterUserEvent, RejectionReason } from './master-user.events';
import { backToMain, Command, reject, transition } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** /add: waits for the token (again, if it already did). */
export function requestAddBot(command: Command<'RequestAddBot'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  return state.fsm === 'AwaitingBotToken'
    ? [transition(masterId, 'AwaitingBotToken', 'AwaitingBotToken', '/add')]
    : [...backToMain(state, masterId, '/add'), transition(masterId, 'Main', 'AwaitingBotToken', '/add')];
}

/** The token, checked with Telegram before the decision (`verdict`): attached within the plan's limit, or refused. */
export function submitBotToken(command: Command<'SubmitBotToken'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, messageId, verdict, limits } = command;
  // A token is a secret: whatever happens, the message that carried it is deleted from the chat.
  const rejectToken = (reason: RejectionReason) => reject(masterId, 'token', reason, { messageId, deleteMessage: true });
  if (state.fsm !== 'AwaitingBotToken') return [rejectToken('not_a_reply')];
  if (!verdict.valid) return [rejectToken(verdict.reason)];
  const existing = state.bots.find((b) => b.botId === verdict.botId);
  // A broken bot (token revoked) comes back with its new token; any other bot is only attached once.
  if (existing && existing.status !== 'broken') return [rejectToken('bot_already_attached')];
  const limit = state.plan.kind === 'pro' ? limits.pro : limits.free;
  // A new bot counts against every attached one; a broken bot coming back only against the running ones
  // (it may be one the plan had paused — it must not come back running past the limit).
  const counted = existing ? state.bots.filter((b) => b.status === 'active').length : state.bots.length;
  if (counted >= limit) return [rejectToken(state.plan.kind === 'pro' ? 'pro_bot_limit_reached' : 'bot_limit_reached')];
  return [
    {
      type: 'ClientBotAttached',
      data: {
        masterId,
        botId: verdict.botId,
        username: verdict.username,
        encryptedToken: verdict.encryptedToken,
        tokenMessageId: messageId,
      },
    },
    transition(masterId, 'AwaitingBotToken', 'Main', 'bot token'),
  ];
}

/** Telegram answered 401 for the bot's token: marked broken once (a repeat, or a bot gone since, records nothing). */
export function markBotBroken(command: Command<'MarkBotBroken'>, state: MasterUserState): MasterUserEvent[] {
  const bot = state.bots.find((b) => b.botId === command.botId);
  if (!bot || bot.status === 'broken') return [];
  return [
    { type: 'ClientBotBroken', data: { masterId: command.masterId, botId: bot.botId, username: bot.username, reason: 'token_revoked' } },
  ];
}
