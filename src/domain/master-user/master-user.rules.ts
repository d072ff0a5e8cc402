import { MasterUserCommand } from './master-user.commands';
import { MasterFsmState, MasterUserEvent, RejectionReason } from './master-user.events';
import { MasterUserState } from './master-user.state';

/** The building blocks every part of the MasterUser decision shares (the decider and its per-feature parts). */
export type Command<T extends MasterUserCommand['type']> = Extract<MasterUserCommand, { type: T }>;

export const transition = (masterId: number, from: MasterFsmState, to: MasterFsmState, trigger: string): MasterUserEvent => ({
  type: 'StateChanged',
  data: { masterId, from, to, trigger },
});

export const reject = (
  masterId: number,
  command: string,
  reason: RejectionReason,
  extra: { messageId?: number; deleteMessage?: boolean } = {},
  /** M14: the refusal is said in the owner's chat with this client bot, where the command was typed. */
  inBotChatOf?: number,
): MasterUserEvent => ({
  type: 'CommandRejected',
  data: { masterId, command, reason, ...extra, ...(inBotChatOf !== undefined ? { inBotChatOf } : {}) },
});

/** Any command from a non-Main state that leaves it returns to Main first, recorded as its own transition. */
export const backToMain = (state: MasterUserState, masterId: number, trigger: string): MasterUserEvent[] =>
  state.fsm === 'Main' ? [] : [transition(masterId, state.fsm, 'Main', trigger)];

/** Why a bot cannot carry a message now (paused by the plan, or its token revoked), if it cannot. */
export function botRefusal(state: MasterUserState, botId: number): RejectionReason | null {
  const bot = state.bots.find((b) => b.botId === botId);
  if (!bot) return 'bot_not_attached';
  if (bot.status === 'paused') return 'bot_paused';
  if (bot.status === 'broken') return 'bot_broken';
  return null;
}
