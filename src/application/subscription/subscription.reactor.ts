import { Inject, Injectable, Logger } from '@nestjs/common';
import { MasterUserEventOf } from '../../domain/master-user/master-user.events';
import { APP_SETTINGS, AppSettings } from '../ports/app-settings.port';
import { RecordedEvent, TypesOf } from '../ports/event-store.port';
import { BOT_DIRECTORY, BotDirectory } from '../ports/read-models.port';
import { isSettledFailure } from '../ports/telegram.port';
import { BotApis } from '../reactors/client-bot-apis';
import { Reactor } from '../reactors/reactor';
import { subscriptionTexts as texts } from './subscription.texts';

type CheckoutAnswered = MasterUserEventOf<'CheckoutAnswered'>;
type SubscriptionNotice = MasterUserEventOf<'SubscriptionOffered' | 'ProActivated' | 'ProRenewalCancelled' | 'ProExpired'>;

/** A notice about something older than this is no longer useful (e.g. after a long outage): skipped. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/**
 * M7: answers Telegram's pre-checkout queries. Its own reactor (own subscription, nothing else in its
 * batches) because Telegram cancels the checkout unless it is answered within 10 seconds: it must never
 * wait behind an invoice link or a notice stuck in a 429 back-off.
 *
 * WARNING: an answer recorded more than ~10 s ago (the app was down) is refused by Telegram; that is
 * logged and the customer simply pays again. Never stale-skipped: an answer that may still count is sent.
 */
@Injectable()
export class CheckoutAnswerReactor implements Reactor<CheckoutAnswered> {
  readonly name = 'checkout-answers';
  readonly handles: TypesOf<CheckoutAnswered> = ['CheckoutAnswered'];
  private readonly logger = new Logger('CheckoutAnswers');

  constructor(private readonly bots: BotApis) {}

  key(event: RecordedEvent<CheckoutAnswered>): string {
    return `checkout:${event.data.queryId}`;
  }

  async react(recorded: RecordedEvent<CheckoutAnswered>): Promise<void> {
    const { queryId, ok, error } = recorded.data;
    try {
      await this.bots.master().answerPreCheckout(queryId, ok, error);
    } catch (failure) {
      if (!isSettledFailure(failure)) throw failure;
      this.logger.warn(`pre-checkout ${queryId} not answered: ${failure.message}`);
    }
  }
}

/**
 * M7, the rest of the payment flow as the master sees it: the invoice link with its pay button, Pro's
 * activation (and which paused bots resumed), the cancelled renewal — which is also cancelled at
 * Telegram, so the master is not charged again — and the return to Free.
 *
 * WARNING: at-least-once with no recorded outcome: a crash while a notice (or an invoice link) is in
 * flight sends it again. Cancelling the renewal at Telegram is idempotent and never stale-skipped.
 */
@Injectable()
export class SubscriptionReactor implements Reactor<SubscriptionNotice> {
  readonly name = 'subscription';
  readonly handles: TypesOf<SubscriptionNotice> = ['SubscriptionOffered', 'ProActivated', 'ProRenewalCancelled', 'ProExpired'];
  readonly recordsAttempts = true;
  private readonly logger = new Logger('Subscription');

  constructor(
    private readonly bots: BotApis,
    @Inject(BOT_DIRECTORY) private readonly directory: BotDirectory,
    @Inject(APP_SETTINGS) private readonly settings: AppSettings,
  ) {}

  key(event: RecordedEvent<SubscriptionNotice>): string {
    return `master:${event.data.masterId}`;
  }

  async react(event: RecordedEvent<SubscriptionNotice>): Promise<void> {
    try {
      if (event.type === 'ProRenewalCancelled') {
        await this.bots.master().editStarSubscription(event.data.masterId, event.data.chargeId, true);
      }
      if (Date.now() - event.recordedAt.getTime() > STALE_AFTER_MS) return;
      await this.notify(event, event.position);
    } catch (error) {
      // The master blocked the MasterBot, or Telegram no longer knows the charge: nothing to retry.
      if (!isSettledFailure(error)) throw error;
      this.logger.warn(`${event.type} for master ${event.data.masterId}: ${error.message}`);
    }
  }

  private async notify(event: SubscriptionNotice, position: bigint): Promise<void> {
    const master = this.bots.master();
    const proBots = this.settings.planLimits.pro;
    switch (event.type) {
      case 'SubscriptionOffered': {
        const { masterId, payload, stars, periodSeconds } = event.data;
        const link = await master.createInvoiceLink({
          title: texts.invoiceTitle,
          description: texts.invoiceDescription(proBots),
          payload,
          stars,
          subscriptionPeriod: periodSeconds,
        });
        await master.sendText(masterId, texts.offer(stars, periodSeconds, proBots), {
          buttons: [[{ text: texts.payButton(stars, periodSeconds), url: link }]],
        });
        return;
      }
      case 'ProActivated': {
        const resumed = await this.usernames(event.data.resumedBotIds, position);
        await master.sendText(event.data.masterId, texts.activated(event.data.until, event.data.renewal, resumed));
        return;
      }
      case 'ProRenewalCancelled':
        await master.sendText(event.data.masterId, texts.renewalCancelled(event.data.until));
        return;
      case 'ProExpired': {
        const paused = await this.usernames(event.data.pausedBotIds, position);
        await master.sendText(event.data.masterId, texts.expired(this.settings.planLimits.free, paused));
        return;
      }
      default:
        return;
    }
  }

  /** Bot labels (@username) from the read model (as of this event); a bot it does not know is named by its id. */
  private async usernames(botIds: number[], position: bigint): Promise<string[]> {
    const bots = await Promise.all(botIds.map((botId) => this.directory.get(botId, position)));
    return bots.map((bot, i) => (bot ? `@${bot.username}` : `bot ${botIds[i]}`));
  }
}
