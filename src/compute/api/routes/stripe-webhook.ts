// Stripe's webhook: the gateway tells us how a PaymentIntent ended (after 3-D Secure, or when our process died
// between charging and recording). The signature is checked over the exact bytes received, so the JSON parser
// is replaced here by a raw-bytes one; events are applied idempotently (a redelivery changes nothing).
import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type Stripe from 'stripe';
import { getOrder, recordPaid, recordPaymentFailed } from '../../../databases/relational/orders.ts';
import type { PaymentProvider } from '../../payments/provider.ts';
import type { StripePaymentProvider } from '../../payments/stripe-provider.ts';
import { HttpError } from '../errors.ts';
import type { ApiServices } from '../ports.ts';

export const stripeWebhookRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  const { payments, db } = services;
  if (!isStripe(payments)) return;

  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));

  app.post('/api/payments/stripe/webhook', { config: { csrf: false }, schema: { response: { 200: z.object({ received: z.literal(true) }) } } }, async (req, reply) => {
    const signature = req.headers['stripe-signature'];
    if (typeof signature !== 'string') throw new HttpError(400, 'INVALID_SIGNATURE', 'Missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = payments.verifyWebhook(req.body as Buffer, signature);
    } catch {
      throw new HttpError(400, 'INVALID_SIGNATURE', 'The Stripe-Signature does not match this payload');
    }
    if (event.type === 'payment_intent.succeeded' || event.type === 'payment_intent.payment_failed') {
      const pi = event.data.object;
      const orderId = pi.metadata?.orderId;
      const order = orderId ? await getOrder(db, orderId) : undefined;
      if (order && order.status === 'pending_payment') {
        const money = { provider: payments.name, amount: order.total, currency: order.currency };
        if (event.type === 'payment_intent.succeeded') await recordPaid(db, order.id, { ...money, ref: pi.id });
        else await recordPaymentFailed(db, order.id, { ...money, ref: pi.id, reason: pi.last_payment_error?.code ?? 'payment_failed' });
      }
    }
    return reply.send({ received: true });
  });
};

// By name rather than instanceof, so this module does not load Stripe's SDK into a shop that does not use it.
function isStripe(p: PaymentProvider): p is StripePaymentProvider {
  return p.name === 'stripe';
}
