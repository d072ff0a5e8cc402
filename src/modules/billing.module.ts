import { Module } from '@nestjs/common';
import {
  AnswerCheckoutHandler,
  RecordPaymentHandler,
  SubscribeHandler,
  UnsubscribeHandler,
} from '../application/subscription/subscription.handlers';
import { CheckoutAnswerReactor, SubscriptionReactor } from '../application/subscription/subscription.reactor';

const REACTORS = [CheckoutAnswerReactor, SubscriptionReactor];

/** The Pro plan: /subscribe, the Stars checkout, payments and their notices. */
@Module({
  providers: [SubscribeHandler, UnsubscribeHandler, AnswerCheckoutHandler, RecordPaymentHandler, ...REACTORS],
  exports: REACTORS,
})
export class BillingModule {}
