// Stripe through its official SDK: PaymentIntents confirmed server-side with the shopper's PaymentMethod id
// (from Stripe.js), an idempotency key on every call, and webhook events verified by signature.
import Stripe from 'stripe';
import type { Money } from '../../domain/money.ts';
import type { ChargeRequest, ChargeResult, PaymentProvider } from './provider.ts';

export interface StripeOptions {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** For tests against a local stand-in; production uses Stripe's API host. */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
}

function toResult(pi: Stripe.PaymentIntent): ChargeResult {
  switch (pi.status) {
    case 'succeeded':
      return { status: 'succeeded', providerRef: pi.id };
    case 'requires_action':
      return { status: 'requires_action', providerRef: pi.id, clientSecret: pi.client_secret ?? '' };
    default:
      return { status: 'declined', providerRef: pi.id, reason: pi.last_payment_error?.code ?? pi.status };
  }
}

export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(private readonly opts: StripeOptions) {
    this.stripe = new Stripe(opts.secretKey, {
      maxNetworkRetries: 2, // safe: every mutating call carries an idempotency key
      ...(opts.host ? { host: opts.host, port: opts.port, protocol: opts.protocol } : {}),
    });
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: req.amount.amount,
          currency: req.amount.currency.toLowerCase(),
          payment_method: req.method.token,
          confirm: true,
          receipt_email: req.email,
          metadata: { orderId: req.orderId },
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        },
        { idempotencyKey: req.idempotencyKey },
      );
      return toResult(pi);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        return { status: 'declined', providerRef: err.payment_intent?.id, reason: err.code ?? 'card_declined' };
      }
      throw err;
    }
  }

  async retrieve(providerRef: string): Promise<ChargeResult> {
    return toResult(await this.stripe.paymentIntents.retrieve(providerRef));
  }

  async refund(providerRef: string, amount: Money, idempotencyKey: string): Promise<{ refundRef: string }> {
    try {
      const r = await this.stripe.refunds.create({ payment_intent: providerRef, amount: amount.amount }, { idempotencyKey });
      return { refundRef: r.id };
    } catch (err) {
      // Stripe answered "no" (already refunded, charge disputed…): a definite refusal, unlike a timeout or a 5xx.
      if (err instanceof Stripe.errors.StripeInvalidRequestError || err instanceof Stripe.errors.StripeCardError) {
        throw Object.assign(new Error(err.message), { code: 'REFUND_DECLINED' });
      }
      throw err;
    }
  }

  /** Verifies a webhook's Stripe-Signature over the raw body; throws on a forged or stale event. */
  verifyWebhook(rawBody: string | Buffer, signature: string): Stripe.Event {
    return this.stripe.webhooks.constructEvent(rawBody, signature, this.opts.webhookSecret);
  }
}
