import { Inject } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import { MasterUserCommand } from '../../domain/master-user/master-user.commands';
import { AggregateStore } from '../command-handling/aggregate-store';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { MasterCommandHandler } from '../shared/master-command.handler';
import { AnswerCheckoutCommand, RecordPaymentCommand, SubscribeCommand, UnsubscribeCommand } from './subscription.commands';

/** Telegram Stars subscriptions always renew every 30 days. */
export const STARS_SUBSCRIPTION_PERIOD_SECONDS = 30 * 24 * 60 * 60;

@CommandHandler(SubscribeCommand)
export class SubscribeHandler extends MasterCommandHandler<SubscribeCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {
    super(aggregates);
  }

  protected toDomain({ masterId }: SubscribeCommand): MasterUserCommand {
    return { type: 'Subscribe', masterId, stars: this.settings.proPriceStars, periodSeconds: STARS_SUBSCRIPTION_PERIOD_SECONDS };
  }
}

@CommandHandler(UnsubscribeCommand)
export class UnsubscribeHandler extends MasterCommandHandler<UnsubscribeCommand> {
  protected toDomain({ masterId }: UnsubscribeCommand): MasterUserCommand {
    return { type: 'Unsubscribe', masterId };
  }
}

@CommandHandler(AnswerCheckoutCommand)
export class AnswerCheckoutHandler extends MasterCommandHandler<AnswerCheckoutCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {
    super(aggregates);
  }

  protected toDomain({ masterId, queryId, payload, currency, totalAmount }: AnswerCheckoutCommand): MasterUserCommand {
    return { type: 'AnswerCheckout', masterId, queryId, payload, currency, totalAmount, stars: this.settings.proPriceStars };
  }
}

@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler extends MasterCommandHandler<RecordPaymentCommand> {
  constructor(
    aggregates: AggregateStore,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {
    super(aggregates);
  }

  protected toDomain({ masterId, chargeId, stars, expiresAt, origin }: RecordPaymentCommand): MasterUserCommand {
    // A one-off payment (no expiration date) buys one period from when it was made.
    const until = expiresAt !== undefined ? expiresAt * 1000 : Date.parse(origin.occurredAt) + STARS_SUBSCRIPTION_PERIOD_SECONDS * 1000;
    return { type: 'RecordPayment', masterId, chargeId, stars, until: new Date(until).toISOString(), limits: this.settings.planLimits };
  }
}
