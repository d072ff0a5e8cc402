import { MasterUserEvent, proPayload } from './master-user.events';
import { backToMain, Command, reject } from './master-user.rules';
import { MasterUserState } from './master-user.state';

/** /subscribe: the offer (a Stars invoice), unless Pro already renews. */
export function subscribe(command: Command<'Subscribe'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (state.plan.kind === 'pro' && state.plan.renewing) return [reject(masterId, '/subscribe', 'already_pro')];
  return [
    ...backToMain(state, masterId, '/subscribe'),
    {
      type: 'SubscriptionOffered',
      data: { masterId, payload: proPayload(masterId), stars: command.stars, periodSeconds: command.periodSeconds },
    },
  ];
}

/** /unsubscribe: Pro stops renewing and runs to the end of the period paid. */
export function unsubscribe(command: Command<'Unsubscribe'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId } = command;
  if (state.plan.kind !== 'pro') return [reject(masterId, '/unsubscribe', 'not_on_pro')];
  if (!state.plan.renewing) return [reject(masterId, '/unsubscribe', 'renewal_already_cancelled')];
  return [
    ...backToMain(state, masterId, '/unsubscribe'),
    { type: 'ProRenewalCancelled', data: { masterId, chargeId: state.plan.chargeId, until: state.plan.until } },
  ];
}

/** Telegram waits for an answer to every checkout, registered master or not. */
export function answerCheckout(command: Command<'AnswerCheckout'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, queryId } = command;
  const error = !state.registered
    ? 'Please send /start to the bot first.'
    : command.payload !== proPayload(masterId)
      ? 'This invoice is not for your account.'
      : command.currency !== 'XTR' || command.totalAmount !== command.stars
        ? 'This invoice is out of date. Send /subscribe for a new one.'
        : undefined;
  return [{ type: 'CheckoutAnswered', data: { masterId, queryId, ok: error === undefined, ...(error ? { error } : {}) } }];
}

export function recordPayment(command: Command<'RecordPayment'>, state: MasterUserState): MasterUserEvent[] {
  const { masterId, chargeId } = command;
  if (state.charges.includes(chargeId)) return [];
  // Paused bots run again, as many as Pro allows (in attach order).
  const resumedBotIds = state.bots
    .slice(0, command.limits.pro)
    .filter((b) => b.status === 'paused')
    .map((b) => b.botId);
  return [
    {
      type: 'ProActivated',
      data: { masterId, chargeId, stars: command.stars, until: command.until, renewal: state.plan.kind === 'pro', resumedBotIds },
    },
  ];
}

export function expirePro(command: Command<'ExpirePro'>, state: MasterUserState): MasterUserEvent[] {
  const { plan } = state;
  if (plan.kind !== 'pro' || Date.parse(plan.until) > Date.parse(command.now)) return [];
  // The first bots (in attach order) keep running on Free; the rest are paused, not deleted.
  const running = state.bots.filter((b) => b.status === 'active');
  const pausedBotIds = running.slice(command.limits.free).map((b) => b.botId);
  return [{ type: 'ProExpired', data: { masterId: command.masterId, pausedBotIds } }];
}
