// The checkout workflow, as small steps each knowing how to undo itself (Medusa's pattern):
//   price (no effect) → place order + take stock (undo: give stock back, order payment_failed)
//   → charge (idempotent per order) → record paid + cart emptied + `order.placed` in the outbox (one transaction).
// A failure part-way leaves nothing half done: stock is only held by an order that is paid or still awaiting
// the shopper's extra payment step.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Address } from '../../domain/address.ts';
import { CheckoutRuleError, computeTotals, priceLines, type CatalogVariantView, type StoreSettings, type Totals } from '../../domain/checkout.ts';
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

export class PaymentDeclinedError extends Error {
  readonly code = 'PAYMENT_DECLINED';
}

/** Prices a cart as checkout would, without placing anything (for the cart page and the review step). */
export async function quote(deps: CheckoutDeps, cartId: string, to: { country: string; region?: string }, shippingMethod: string): Promise<Totals> {
  const lines = await cartLines(deps.db, cartId);
  return computeTotals(deps.settings, priceLines(lines, deps.variant, deps.settings.currency), to, shippingMethod);
}

export async function checkout(deps: CheckoutDeps, input: CheckoutInput): Promise<CheckoutResult> {
  // Step 1: price from the catalog, never from the client.
  const lines = await cartLines(deps.db, input.cartId);
  if (lines.length === 0) throw new CheckoutRuleError('cart: is empty');
  const priced = priceLines(lines, deps.variant, deps.settings.currency);
  const totals = computeTotals(deps.settings, priced, input.address, input.shippingMethod);

  // Step 2: the order and its stock, atomically (OutOfStockError leaves nothing behind).
  const orderId = `ord_${randomUUID().replace(/-/g, '')}`;
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

  // Step 3: the charge, keyed by the order so a retry of this step can never charge twice.
  const money = { provider: deps.payments.name, amount: totals.total.amount, currency: totals.total.currency };
  let result;
  try {
    result = await deps.payments.charge({ orderId, amount: totals.total, email: input.email, method: input.payment, idempotencyKey: `charge:${orderId}` });
  } catch (err) {
    // Undo step 2. The gateway call is idempotent by order id, so reconciling a charge that did go through is
    // a retrieve() away (left to the payment webhook).
    await recordPaymentFailed(deps.db, orderId, { ...money, reason: 'gateway_error' });
    throw err;
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
