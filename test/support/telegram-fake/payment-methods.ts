import { randomBytes } from 'node:crypto';
import { badRequest, QUERY_ID_INVALID } from './api-error';
import { postBotMessage, postUserMessage } from './message-posting';
import { unixNow, type MethodCall, type MethodTable } from './method-context';
import type { InvoiceTerms } from './payment-book';
import type { Json } from './types';

/** Telegram Stars subscriptions are always 30 days long. */
export const STAR_SUBSCRIPTION_PERIOD = 2_592_000;

interface LabeledPrice {
  label?: string;
  amount?: number | string;
}

function invoiceTerms({ bot, params }: MethodCall): InvoiceTerms {
  const title = params.requireStr('title');
  params.requireStr('description');
  const payload = params.requireStr('payload');
  const currency = params.requireStr('currency');
  const prices = params.json<LabeledPrice[]>('prices');
  if (!Array.isArray(prices) || prices.length === 0) throw badRequest('prices is empty');
  if (Buffer.byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
  // Stars invoices take exactly one price and no payment provider.
  if (currency === 'XTR' && prices.length !== 1) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  if (currency === 'XTR' && params.str('provider_token')) throw badRequest('PAYMENT_PROVIDER_INVALID');
  const totalAmount = prices.reduce((sum, price) => sum + Number(price.amount ?? 0), 0);
  if (!Number.isSafeInteger(totalAmount) || totalAmount <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
  return { botId: bot.id, payload, title, currency, totalAmount };
}

export const paymentMethods: MethodTable = {
  sendInvoice: (call) => {
    const chat = call.state.chats.writable(call.bot.id, call.params.str('chat_id'));
    const terms = invoiceTerms(call);
    call.state.payments.addInvoice(terms);
    const invoice: Json = {
      title: terms.title,
      description: call.params.str('description'),
      start_parameter: call.params.str('start_parameter') ?? '',
      currency: terms.currency,
      total_amount: terms.totalAmount,
    };
    return postBotMessage(call, chat, 'sendInvoice', { invoice });
  },

  /** The only way to sell a Stars subscription: sendInvoice has no subscription_period. */
  createInvoiceLink: (call) => {
    const terms = invoiceTerms(call);
    const period = call.params.int('subscription_period');
    if (period !== undefined) {
      if (period !== STAR_SUBSCRIPTION_PERIOD) throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
      if (terms.currency !== 'XTR') throw badRequest('subscriptions are only available in Telegram Stars');
      terms.subscriptionPeriod = period;
    }
    call.state.payments.addInvoice(terms);
    return `https://t.me/$${randomBytes(12).toString('base64url')}`;
  },

  answerPreCheckoutQuery: ({ bot, params, state }) => {
    const query = state.payments.preCheckouts.get(params.requireStr('pre_checkout_query_id'));
    if (!query || query.botId !== bot.id || query.answered) throw badRequest(QUERY_ID_INVALID);
    const ok = params.bool('ok');
    if (!ok && !params.str('error_message')) throw badRequest('error_message is empty');
    query.answered = true;
    query.errorMessage = ok ? undefined : params.str('error_message');
    if (!ok) return true;
    const paidAt = unixNow();
    const charge = state.payments.charge(query, paidAt);
    const recurring = query.terms.subscriptionPeriod !== undefined;
    const payment: Json = {
      currency: charge.currency,
      total_amount: charge.totalAmount,
      invoice_payload: charge.payload,
      telegram_payment_charge_id: charge.chargeId,
      provider_payment_charge_id: '',
      ...(recurring ? { subscription_expiration_date: charge.expiresAt, is_recurring: true, is_first_recurring: true } : {}),
    };
    const chat = state.chats.open(bot.id, state.registry.user(query.userId));
    postUserMessage(state, bot, chat, { successful_payment: payment });
    return true;
  },

  editUserStarSubscription: ({ bot, params, state }) => {
    const charge = state.payments.findCharge(bot.id, params.requireInt('user_id'), params.requireStr('telegram_payment_charge_id'));
    if (!charge || charge.expiresAt === undefined) throw badRequest('CHARGE_ID_INVALID');
    charge.canceled = params.bool('is_canceled');
    state.journal.changed();
    return true;
  },
};
