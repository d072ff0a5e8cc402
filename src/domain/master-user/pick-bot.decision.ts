import { TypedText } from '../shared/typed-text';
import { BotPurpose, MasterUserEvent } from './master-user.events';
import { backToMain, botRefusal, Command, reject, transition } from './master-user.rules';
import { AttachedBot, inboxOf, MasterUserState } from './master-user.state';

/** Which bots a purpose can act on: a broadcast needs a bot that is running. */
const eligible = (state: MasterUserState, purpose: BotPurpose): AttachedBot[] =>
  purpose === 'broadcast' ? state.bots.filter((b) => b.status === 'active') : state.bots;

/**
 * /remove, /qr, /greeting, /broadcast, /inbox: with one bot, act on it; with several, offer an inline keyboard
 * (ChoosingBot) and act on the button pressed (PickBot).
 */
export function requestForBot(
  state: MasterUserState,
  masterId: number,
  purpose: BotPurpose,
  startParameter: TypedText | null,
): MasterUserEvent[] {
  const trigger = `/${purpose}`;
  const leave = backToMain(state, masterId, trigger);
  const bots = eligible(state, purpose);
  if (bots.length === 0) return [...leave, reject(masterId, trigger, purpose === 'remove' ? 'no_bots_to_remove' : 'no_bots')];
  if (bots.length === 1) return [...leave, ...actOn(masterId, purpose, bots[0], startParameter)];
  return [
    ...leave,
    {
      type: 'BotPickerOffered',
      data: {
        masterId,
        purpose,
        bots: bots.map(({ botId, username }) => ({ botId, username })),
        ...(purpose === 'qr' ? { startParameter } : {}),
      },
    },
    transition(masterId, 'Main', 'ChoosingBot', trigger),
  ];
}

export function pickBot(command: Command<'PickBot'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, purpose } = command;
  const trigger = `${purpose} button`;
  const leave = backToMain(state, masterId, trigger);
  // A button of a keyboard that is no longer the current question (answered, cancelled, or replaced by
  // another command) is answered, not obeyed: an old /remove keyboard must not detach a bot later.
  if (state.fsm !== 'ChoosingBot' || state.picking?.purpose !== purpose) return [reject(masterId, trigger, 'picker_expired')];
  const bot = state.bots.find((b) => b.botId === command.botId);
  if (!bot) return [...leave, reject(masterId, trigger, 'bot_not_attached')];
  if (purpose === 'broadcast') {
    if (state.plan.kind !== 'pro') return [...leave, reject(masterId, trigger, 'pro_required')];
    const refusal = botRefusal(state, bot.botId);
    if (refusal) return [...leave, reject(masterId, trigger, refusal)];
  }
  const startParameter = state.picking?.purpose === 'qr' ? state.picking.startParameter : null;
  return [...leave, ...actOn(masterId, purpose, bot, startParameter)];
}

/** The effect of a purpose on one bot, from Main. */
function actOn(masterId: number, purpose: BotPurpose, bot: AttachedBot, startParameter: TypedText | null): MasterUserEvent[] {
  const { botId, username } = bot;
  switch (purpose) {
    case 'remove':
      return [{ type: 'ClientBotDetached', data: { masterId, botId, username } }];
    case 'qr':
      return [{ type: 'QrCodeRequested', data: { masterId, botId, username, startParameter } }];
    case 'greeting':
      return [
        { type: 'BotChosen', data: { masterId, purpose, botId, username } },
        transition(masterId, 'Main', 'AwaitingGreeting', '/greeting'),
      ];
    case 'broadcast':
      return [
        { type: 'BotChosen', data: { masterId, purpose, botId, username } },
        transition(masterId, 'Main', 'AwaitingBroadcast', '/broadcast'),
      ];
    case 'inbox':
      return [{ type: 'InboxModeOffered', data: { masterId, botId, username, mode: inboxOf(bot), askedIn: 'master_bot' } }];
  }
}
