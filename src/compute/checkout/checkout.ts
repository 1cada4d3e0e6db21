// The checkout workflow, as small steps each knowing how to undo itself (Medusa's pattern):
//   price (no effect) → place order + take stock (undo: give stock back, order payment_failed)
//   → charge (idempotent per order) → record paid + cart emptied + `order.placed` in the outbox (one transaction).
// A failure part-way leaves nothing half done: stock is only held by an order that is paid or whose payment is
// still in flight (the shopper's extra step, or a gateway that did not answer), and a retry with the same
// Idempotency-Key resumes that order instead of starting another.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Address } from '../../domain/address.ts';
import { CheckoutRuleError, computeTotals, priceLines, shippingOptions, type CatalogVariantView, type StoreSettings, type Totals } from '../../domain/checkout.ts';
import type { CartLine } from '../../domain/cart.ts';
import { cartLines } from '../../databases/relational/carts.ts';
import type { Database } from '../../databases/relational/database.ts';
import { getOrder, placeOrder, recordPaid, recordPaymentFailed, recordPaymentPending, type OrderView } from '../../databases/relational/orders.ts';
import type { PaymentMethodInput, PaymentProvider } from '../payments/provider.ts';

export interface CheckoutDeps {
  readonly db: Kysely<Database>;
  readonly settings: StoreSettings;
  readonly payments: PaymentProvider;
  /** The catalog's current view of a cart line's variant (the read model), or undefined if gone. */
  readonly variant: (line: CartLine) => CatalogVariantView | undefined;
}

export interface CheckoutInput {
  /**
   * The order's id, derived from the request's idempotency key: a retry after a crash finds the order the first
   * attempt wrote and resumes it (and the gateway, keyed by the same id, never charges twice).
   */
  readonly orderId: string;
  readonly cartId: string;
  readonly accountId: string | null;
  readonly email: string;
  readonly address: Address;
  readonly shippingMethod: string;
  readonly payment: PaymentMethodInput;
}

export type CheckoutResult =
  | { readonly outcome: 'paid'; readonly order: OrderView }
  | { readonly outcome: 'requires_action'; readonly order: OrderView; readonly clientSecret: string }
  | { readonly outcome: 'declined'; readonly order: OrderView; readonly reason: string };

export class PaymentGatewayError extends Error {
  readonly code = 'PAYMENT_GATEWAY_UNAVAILABLE';
}

export interface Quote {
  readonly shippingOptions: { id: string; name: string; price: number }[];
  /** The method priced: the one asked for, else the first offered; null when none ships there. */
  readonly shippingMethod: string | null;
  readonly totals: Totals | null;
}

/** Prices a cart as checkout would, without placing anything (for the cart page and the review step). */
export async function quote(deps: CheckoutDeps, cartId: string | undefined, to: { country: string; region?: string }, shippingMethod?: string): Promise<Quote> {
  const lines = cartId ? await cartLines(deps.db, cartId) : [];
  const priced = priceLines(lines, deps.variant, deps.settings.currency);
  const subtotal = priced.reduce((s, l) => s + l.total.amount, 0);
  const options = shippingOptions(deps.settings, to.country, subtotal);
  const method = shippingMethod ?? options[0]?.id ?? null;
  return { shippingOptions: options, shippingMethod: method, totals: method ? computeTotals(deps.settings, priced, to, method) : null };
}

export async function checkout(deps: CheckoutDeps, input: CheckoutInput): Promise<CheckoutResult> {
  const orderId = input.orderId;
  // A retry of an attempt that died part-way: resume from what it wrote.
  const existing = await getOrder(deps.db, orderId);
  if (existing) {
    if (existing.status !== 'pending_payment' || existing.paymentRef) return confirmPayment(deps, existing);
    return charge(deps, existing.id, { amount: { amount: existing.total, currency: existing.currency as Totals['total']['currency'] } }, input);
  }

  // Step 1: price from the catalog, never from the client.
  const lines = await cartLines(deps.db, input.cartId);
  if (lines.length === 0) throw new CheckoutRuleError('cart: is empty');
  const priced = priceLines(lines, deps.variant, deps.settings.currency);
  const totals = computeTotals(deps.settings, priced, input.address, input.shippingMethod);

  // Step 2: the order and its stock, atomically (OutOfStockError leaves nothing behind).
  await placeOrder(deps.db, {
    id: orderId,
    accountId: input.accountId,
    cartId: input.cartId,
    email: input.email,
    lines: priced,
    totals,
    shippingMethod: input.shippingMethod,
    address: input.address,
    paymentProvider: deps.payments.name,
  });

  return charge(deps, orderId, { amount: totals.total }, input);
}

/** Steps 3 and 4: the charge, keyed by the order so a retry can never charge twice, then settling. */
async function charge(deps: CheckoutDeps, orderId: string, totals: { amount: Totals['total'] }, input: CheckoutInput): Promise<CheckoutResult> {
  const money = { provider: deps.payments.name, amount: totals.amount.amount, currency: totals.amount.currency };
  let result;
  try {
    result = await deps.payments.charge({ orderId, amount: totals.amount, email: input.email, method: input.payment, idempotencyKey: `charge:${orderId}` });
  } catch (err) {
    // The gateway did not answer: the charge may or may not have happened. The order stays pending (holding its
    // stock) so that a retry with the same Idempotency-Key resumes here, with the same gateway key, and learns
    // the truth without charging twice. Orders left pending by shoppers who never retry are settled from the
    // gateway's own record (its webhook, or a retrieve()).
    throw new PaymentGatewayError(`payment gateway did not answer (${(err as Error).message}); retry with the same Idempotency-Key`, { cause: err });
  }

  // Step 4: settle.
  if (result.status === 'succeeded') {
    await recordPaid(deps.db, orderId, { ...money, ref: result.providerRef });
    return { outcome: 'paid', order: (await getOrder(deps.db, orderId))! };
  }
  if (result.status === 'requires_action') {
    await recordPaymentPending(deps.db, orderId, result.providerRef);
    return { outcome: 'requires_action', order: (await getOrder(deps.db, orderId))!, clientSecret: result.clientSecret };
  }
  await recordPaymentFailed(deps.db, orderId, { ...money, ref: result.providerRef, reason: result.reason });
  return { outcome: 'declined', order: (await getOrder(deps.db, orderId))!, reason: result.reason };
}

/** The order id for a checkout request: the same cart and Idempotency-Key always name the same order. */
export function orderIdFor(cartId: string, idempotencyKey: string): string {
  return `ord_${createHash('sha256').update(`${cartId}\0${idempotencyKey}`).digest('hex').slice(0, 32)}`;
}

/** After the shopper's extra step: asks the gateway for the final state and settles the order. */
export async function confirmPayment(deps: Pick<CheckoutDeps, 'db' | 'payments'>, order: OrderView): Promise<CheckoutResult> {
  if (order.status !== 'pending_payment' || !order.paymentRef) return settled(order);
  const result = await deps.payments.retrieve(order.paymentRef);
  const money = { provider: deps.payments.name, amount: order.total, currency: order.currency };
  if (result.status === 'succeeded') await recordPaid(deps.db, order.id, { ...money, ref: result.providerRef });
  else if (result.status === 'declined') await recordPaymentFailed(deps.db, order.id, { ...money, ref: order.paymentRef, reason: result.reason });
  return settled((await getOrder(deps.db, order.id))!);
}

function settled(order: OrderView): CheckoutResult {
  if (order.status === 'pending_payment') return { outcome: 'requires_action', order, clientSecret: `${order.paymentRef ?? ''}_secret` };
  if (order.status === 'payment_failed') return { outcome: 'declined', order, reason: 'payment_failed' };
  return { outcome: 'paid', order };
}
