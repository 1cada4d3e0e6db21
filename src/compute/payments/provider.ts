// The payment-provider port: EC2's "complex payment logic" of the design talks to a gateway through this.
// `test-provider.ts` is the embedded default (documented test cards); `stripe-provider.ts` uses Stripe's
// PaymentIntents. Every call carries an idempotency key, so a retried checkout never charges twice.
import type { Money } from '../../domain/money.ts';

export type PaymentMethodInput = { readonly type: 'card'; readonly token: string };

export interface ChargeRequest {
  readonly orderId: string;
  readonly amount: Money;
  readonly email: string;
  readonly method: PaymentMethodInput;
  readonly idempotencyKey: string;
}

export type ChargeResult =
  | { readonly status: 'succeeded'; readonly providerRef: string }
  | { readonly status: 'declined'; readonly providerRef?: string; readonly reason: string }
  | { readonly status: 'requires_action'; readonly providerRef: string; readonly clientSecret: string };

export interface PaymentProvider {
  readonly name: string;
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** After the shopper completed the extra step (3-D Secure): the payment's final state. */
  retrieve(providerRef: string): Promise<ChargeResult>;
  /**
   * Gives `amount` of a charge back. Throws an error with code REFUND_DECLINED when the provider definitely
   * refused; any other error means the outcome is unknown and the same call (same key) must be retried.
   */
  refund(providerRef: string, amount: Money, idempotencyKey: string): Promise<{ refundRef: string }>;
}
