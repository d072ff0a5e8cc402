import { CommandOrigin } from '../../domain/shared/decider';
import { TelegramCommand } from '../shared/telegram-origin';

/** M7: /subscribe — a Telegram Stars subscription invoice for Pro. */
export class SubscribeCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}

/** M7: /unsubscribe — cancel the renewal; Pro lasts to the end of the paid period. */
export class UnsubscribeCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
  ) {
    super(origin);
  }
}

/** Telegram asks whether a checkout may proceed (must be answered within 10 s). */
export class AnswerCheckoutCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly queryId: string,
    readonly payload: string,
    readonly currency: string,
    readonly totalAmount: number,
  ) {
    super(origin);
  }
}

/** A `successful_payment` message: the first payment of a subscription, or a renewal. */
export class RecordPaymentCommand extends TelegramCommand {
  constructor(
    origin: CommandOrigin,
    readonly masterId: number,
    readonly chargeId: string,
    readonly stars: number,
    /** Unix seconds: `subscription_expiration_date`, when Telegram sent one. */
    readonly expiresAt: number | undefined,
  ) {
    super(origin);
  }
}
