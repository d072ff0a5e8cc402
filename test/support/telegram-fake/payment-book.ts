import { randomBytes } from 'node:crypto';

export interface InvoiceTerms {
  botId: number;
  payload: string;
  title: string;
  currency: string;
  totalAmount: number;
  /** Seconds; only invoice links created with subscription_period have one. */
  subscriptionPeriod?: number;
}

export interface PreCheckout {
  id: string;
  botId: number;
  userId: number;
  terms: InvoiceTerms;
  answered: boolean;
  errorMessage?: string;
}

export interface StarCharge {
  chargeId: string;
  botId: number;
  userId: number;
  payload: string;
  currency: string;
  totalAmount: number;
  expiresAt?: number;
  canceled: boolean;
}

export class PaymentBook {
  private readonly invoices = new Map<string, InvoiceTerms>();
  readonly preCheckouts = new Map<string, PreCheckout>();
  private readonly charges = new Map<string, StarCharge>();

  addInvoice(terms: InvoiceTerms): void {
    this.invoices.set(`${terms.botId}|${terms.payload}`, terms);
  }

  invoice(botId: number, payload: string): InvoiceTerms | undefined {
    return this.invoices.get(`${botId}|${payload}`);
  }

  charge(preCheckout: PreCheckout, paidAt: number): StarCharge {
    const { terms } = preCheckout;
    const charge: StarCharge = {
      chargeId: `stxfake${randomBytes(24).toString('base64url')}`,
      botId: preCheckout.botId,
      userId: preCheckout.userId,
      payload: terms.payload,
      currency: terms.currency,
      totalAmount: terms.totalAmount,
      expiresAt: terms.subscriptionPeriod ? paidAt + terms.subscriptionPeriod : undefined,
      canceled: false,
    };
    this.charges.set(charge.chargeId, charge);
    return charge;
  }

  findCharge(botId: number, userId: number, chargeId: string): StarCharge | undefined {
    const charge = this.charges.get(chargeId);
    return charge && charge.botId === botId && charge.userId === userId ? charge : undefined;
  }

  chargesOf(botId: number): StarCharge[] {
    return [...this.charges.values()].filter((charge) => charge.botId === botId);
  }
}
