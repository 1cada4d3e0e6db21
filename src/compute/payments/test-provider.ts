// The built-in test gateway, the default when no real provider is configured. Like Stripe's test mode, the card
// number decides the outcome, so every path of checkout can be tried by hand and by tests:
//   4242 4242 4242 4242  succeeds
//   4000 0000 0000 0002  is declined ("card_declined")
//   4000 0000 0000 9995  is declined ("insufficient_funds")
//   4000 0025 0000 3155  requires an extra step (3-D Secure); retrieve() then reports it succeeded
// Any other number is declined as "invalid_number". Results are a pure function of the idempotency key and card,
// so a retried call answers exactly as the first one did.
import { createHash } from 'node:crypto';
import type { ChargeRequest, ChargeResult, PaymentProvider } from './provider.ts';

export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  requiresAction: '4000002500003155',
} as const;

const ref = (key: string): string => `test_pi_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  private readonly actions = new Set<string>();

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    const card = req.method.token.replace(/[\s-]/g, '');
    const providerRef = ref(req.idempotencyKey);
    switch (card) {
      case TEST_CARDS.success:
        return { status: 'succeeded', providerRef };
      case TEST_CARDS.declined:
        return { status: 'declined', providerRef, reason: 'card_declined' };
      case TEST_CARDS.insufficientFunds:
        return { status: 'declined', providerRef, reason: 'insufficient_funds' };
      case TEST_CARDS.requiresAction:
        this.actions.add(providerRef);
        return { status: 'requires_action', providerRef, clientSecret: `${providerRef}_secret` };
      default:
        return { status: 'declined', providerRef, reason: 'invalid_number' };
    }
  }

  async retrieve(providerRef: string): Promise<ChargeResult> {
    // The test gateway treats the extra step as completed by the time the shopper comes back.
    return providerRef.startsWith('test_pi_') ? { status: 'succeeded', providerRef } : { status: 'declined', reason: 'unknown_payment' };
  }

  async refund(providerRef: string, _amount: unknown, idempotencyKey: string): Promise<{ refundRef: string }> {
    return { refundRef: `test_re_${createHash('sha256').update(`${providerRef}|${idempotencyKey}`).digest('hex').slice(0, 24)}` };
  }
}
