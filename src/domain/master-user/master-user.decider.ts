import { Decider } from '../shared/decider';
import { MasterUserCommand } from './master-user.commands';
import { MasterFsmState, MasterUserEvent, RejectionReason } from './master-user.events';
import { evolveMasterUser, initialMasterUserState, MasterUserState } from './master-user.state';

type Command<T extends MasterUserCommand['type']> = Extract<MasterUserCommand, { type: T }>;

const transition = (masterId: number, from: MasterFsmState, to: MasterFsmState, trigger: string): MasterUserEvent => ({
  type: 'StateChanged',
  data: { masterId, from, to, trigger },
});

const reject = (
  masterId: number,
  command: string,
  reason: RejectionReason,
  extra: { messageId?: number; deleteMessage?: boolean } = {},
): MasterUserEvent => ({ type: 'CommandRejected', data: { masterId, command, reason, ...extra } });

/** Any command from a non-Main state that leaves it returns to Main first, recorded as its own transition. */
const backToMain = (state: MasterUserState, masterId: number, trigger: string): MasterUserEvent[] =>
  state.fsm === 'Main' ? [] : [transition(masterId, state.fsm, 'Main', trigger)];

/**
 * The MasterUser state machine. Every transition is an explicit `StateChanged {from, to, trigger}`;
 * every answer the master gets is an event too, so the reactors that talk to Telegram can be
 * replayed after a crash. Repeated Telegram updates never reach `decide` (the command handling
 * mechanism drops an update id it has already recorded), and repeated *intents* are no-ops or
 * idempotent answers here (a second /start only shows the welcome again).
 */
export function decideMasterUser(command: MasterUserCommand, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (command.type === 'Start') return start(command, state);
  if (!state.registered) return [reject(masterId, command.type, 'not_registered')];

  switch (command.type) {
    case 'RequestAddBot':
      return state.fsm === 'AwaitingBotToken'
        ? [transition(masterId, 'AwaitingBotToken', 'AwaitingBotToken', '/add')]
        : [...backToMain(state, masterId, '/add'), transition(masterId, 'Main', 'AwaitingBotToken', '/add')];
    case 'SubmitBotToken':
      return submitToken(command, state);
    case 'RequestRemoveBot':
      return requestRemove(command, state);
    case 'ChooseBotToRemove':
      return chooseBotToRemove(command, state);
    case 'Cancel':
      return state.fsm === 'Main'
        ? [reject(masterId, '/cancel', 'nothing_to_cancel')]
        : [transition(masterId, state.fsm, 'Main', '/cancel')];
    case 'UnknownCommand':
      return [reject(masterId, command.command, 'unknown_command')];
    case 'StartResponding':
      if (!command.target) return [reject(masterId, 'reply', 'reply_target_unknown')];
      if (!state.bots.some((b) => b.botId === command.target!.botId)) {
        return [reject(masterId, 'reply', 'bot_not_attached')];
      }
      return [
        ...backToMain(state, masterId, 'reply button'),
        { type: 'ReplyStarted', data: { masterId, target: command.target } },
        transition(masterId, 'Main', 'Responding', 'reply button'),
      ];
    case 'Reply':
      return reply(command, state);
    case 'PlainMessage':
      if (state.fsm === 'AwaitingBotToken') {
        return [reject(masterId, 'token', 'token_malformed', { messageId: command.messageId, deleteMessage: true })];
      }
      return [reject(masterId, 'message', state.fsm === 'Responding' ? 'unsupported_message' : 'not_a_reply')];
  }
}

function start(command: Command<'Start'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (!state.registered) return [{ type: 'MasterRegistered', data: { masterId, firstName: command.firstName } }];
  return [...backToMain(state, masterId, '/start'), { type: 'WelcomeShown', data: { masterId } }];
}

function submitToken(command: Command<'SubmitBotToken'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, messageId, verdict } = command;
  // A token is a secret: whatever happens, the message that carried it is deleted from the chat.
  const rejectToken = (reason: RejectionReason) => reject(masterId, 'token', reason, { messageId, deleteMessage: true });
  if (state.fsm !== 'AwaitingBotToken') return [rejectToken('not_a_reply')];
  if (!verdict.valid) return [rejectToken(verdict.reason)];
  if (state.bots.some((b) => b.botId === verdict.botId)) return [rejectToken('bot_already_attached')];
  if (state.bots.length >= command.botLimit) return [rejectToken('bot_limit_reached')];
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

function requestRemove(command: Command<'RequestRemoveBot'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const leave = backToMain(state, masterId, '/remove');
  if (state.bots.length === 0) return [...leave, reject(masterId, '/remove', 'no_bots_to_remove')];
  if (state.bots.length === 1) {
    const [bot] = state.bots;
    return [...leave, { type: 'ClientBotDetached', data: { masterId, botId: bot.botId, username: bot.username } }];
  }
  return [
    ...leave,
    { type: 'RemovalOptionsOffered', data: { masterId, bots: state.bots } },
    transition(masterId, 'Main', 'ChoosingBotToRemove', '/remove'),
  ];
}

function chooseBotToRemove(command: Command<'ChooseBotToRemove'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  const bot = state.bots.find((b) => b.botId === command.botId);
  // A stale button (bot already gone) is answered, not obeyed.
  if (!bot) return [...backToMain(state, masterId, 'remove button'), reject(masterId, 'remove button', 'bot_not_attached')];
  return [
    { type: 'ClientBotDetached', data: { masterId, botId: bot.botId, username: bot.username } },
    ...backToMain(state, masterId, 'remove button'),
  ];
}

function reply(command: Command<'Reply'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, target } = command;
  if (!target) return [reject(masterId, 'reply', 'reply_target_unknown', { messageId: command.masterMessageId })];
  // Tenant isolation: a reply only ever goes out through a bot this master has attached right now.
  if (!state.bots.some((b) => b.botId === target.botId)) {
    return [reject(masterId, 'reply', 'bot_not_attached', { messageId: command.masterMessageId })];
  }
  if (!command.content) return [reject(masterId, 'reply', 'unsupported_message', { messageId: command.masterMessageId })];
  const sent: MasterUserEvent = {
    type: 'ReplySent',
    data: { masterId, replyId: command.replyId, target, masterMessageId: command.masterMessageId, content: command.content },
  };
  return state.fsm === 'Responding' ? [sent, transition(masterId, 'Responding', 'Main', 'reply sent')] : [sent];
}

export const masterUserDecider: Decider<MasterUserCommand, MasterUserEvent, MasterUserState> = {
  decide: decideMasterUser,
  evolve: evolveMasterUser,
  initialState: initialMasterUserState,
};
