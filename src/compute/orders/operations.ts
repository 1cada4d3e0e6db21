// What a merchant does with an order after checkout, as workflows over the orders repository and the payment
// provider. Money leaves through the provider in two recorded steps (reserve → provider → record), so a crash
// between them leaves a pending refund that `settleStale` finishes with the same provider idempotency key:
// the shopper is refunded once, never twice, never not at all.
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import {
  getOrder,
  pendingRefunds,
  recordCancelledUnpaid,
  recordFulfilled,
  recordPaid,
  recordPaymentFailed,
  recordRefunded,
  recordRefundFailed,
  reserveRefund,
  stalePendingOrders,
  type Change,
  type OrderView,
  type PendingRefund,
} from '../../databases/relational/orders.ts';
import { money } from '../../domain/money.ts';
import { OrderStateError } from '../../domain/order.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import { PaymentGatewayError } from '../checkout/checkout.ts';

export interface OrderOpsDeps {
  readonly db: Kysely<Database>;
  readonly payments: PaymentProvider;
}

async function reload(db: Kysely<Database>, orderId: string): Promise<OrderView> {
  return (await getOrder(db, orderId))!;
}

export async function fulfil(deps: OrderOpsDeps, orderId: string, parcel: { carrier: string; trackingNumber: string }, change: Change): Promise<OrderView> {
  await recordFulfilled(deps.db, orderId, parcel, change);
  return reload(deps.db, orderId);
}

/** Cancels an order: an unpaid one simply; a paid one by refunding what is left, then restocking. */
export async function cancel(deps: OrderOpsDeps, order: OrderView, change: Change): Promise<OrderView> {
  if (order.status === 'pending_payment') {
    await recordCancelledUnpaid(deps.db, order.id, change);
    return reload(deps.db, order.id);
  }
  const refund = await reserveRefund(deps.db, order.id, { cancels: true, note: change.note ?? null, requestedBy: change });
  await sendRefund(deps, refund, change);
  return reload(deps.db, order.id);
}

/** Refunds `amount` minor units (default: all that is left); a full refund moves the order to refunded. */
export async function refund(deps: OrderOpsDeps, orderId: string, amount: number | undefined, change: Change): Promise<OrderView> {
  const r = await reserveRefund(deps.db, orderId, { amount, cancels: false, note: change.note ?? null, requestedBy: change });
  await sendRefund(deps, r, change);
  return reload(deps.db, orderId);
}

async function sendRefund(deps: OrderOpsDeps, r: PendingRefund, change: Change): Promise<void> {
  let refundRef: string;
  try {
    // Keyed by our refund's id: a retry after a crash asks the provider for the same refund, not a second one.
    ({ refundRef } = await deps.payments.refund(r.chargeRef, money(r.amount, r.currency), `refund:${r.refundId}`));
  } catch (err) {
    const declined = (err as { code?: string }).code === 'REFUND_DECLINED';
    if (declined) {
      await recordRefundFailed(deps.db, r, (err as Error).message);
      throw Object.assign(new Error(`refund: the payment provider refused it (${(err as Error).message}); nothing was refunded`), { code: 'CONFLICT' });
    }
    // Unknown outcome (timeout, 5xx): the refund stays pending and is settled from the provider later, with the
    // same key. The merchant is told it is in progress rather than that it failed.
    throw new PaymentGatewayError(`the payment provider did not answer (${(err as Error).message}); the refund is pending and will be retried`, { cause: err });
  }
  await recordRefunded(deps.db, r, refundRef, change);
}

export interface SettleReport {
  readonly refunds: number;
  readonly orders: number;
}

/**
 * Run periodically by the worker: finishes refunds a crash left pending, and settles orders left waiting for
 * payment (a shopper who abandoned the 3-D Secure step, a checkout that died before charging): from the
 * provider's record when there is a charge, otherwise as failed with their stock released.
 */
export async function settleStale(deps: OrderOpsDeps, now = new Date(), opts = { refundAfterMs: 2 * 60_000, paymentAfterMs: 60 * 60_000 }): Promise<SettleReport> {
  let refunds = 0;
  for (const r of await pendingRefunds(deps.db, new Date(now.getTime() - opts.refundAfterMs))) {
    try {
      await sendRefund(deps, r, { actor: null, note: 'settled after an interruption' });
      refunds++;
    } catch {
      // Still unknown or refused: recorded by sendRefund; tried again next round.
    }
  }
  let orders = 0;
  for (const o of await stalePendingOrders(deps.db, new Date(now.getTime() - opts.paymentAfterMs))) {
    const money = { provider: o.provider, amount: o.total, currency: o.currency };
    try {
      const result = o.paymentRef ? await deps.payments.retrieve(o.paymentRef) : undefined;
      if (result?.status === 'succeeded') await recordPaid(deps.db, o.id, { ...money, ref: result.providerRef });
      else await recordPaymentFailed(deps.db, o.id, { ...money, ref: o.paymentRef ?? undefined, reason: result?.status === 'declined' ? result.reason : 'abandoned' });
      orders++;
    } catch (err) {
      // Settled meanwhile by the shopper or a webhook: nothing to do. The provider not answering: next round.
      if (!(err instanceof OrderStateError)) continue;
    }
  }
  return { refunds, orders };
}
