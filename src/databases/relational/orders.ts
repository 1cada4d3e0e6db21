// Orders and their payments. Stock is taken in the same transaction that writes the order, and given back in the
// same transaction that records a failed payment or a cancellation: stock and orders can never disagree.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Address } from '../../domain/address.ts';
import type { PricedLine, Totals } from '../../domain/checkout.ts';
import { nextStatus, type OrderEvent, type OrderStatus } from '../../domain/order.ts';
import { clearCart } from './carts.ts';
import type { Database } from './database.ts';

export class OutOfStockError extends Error {
  readonly code = 'OUT_OF_STOCK';
  constructor(readonly sku: string) {
    super(`${sku} is out of stock (or fewer are left than you asked for)`);
  }
}

export interface NewOrder {
  readonly id: string;
  readonly accountId: string | null;
  readonly cartId: string | null;
  readonly email: string;
  readonly lines: readonly PricedLine[];
  readonly totals: Totals;
  readonly shippingMethod: string;
  readonly address: Address;
  readonly paymentProvider: string;
}

export interface OrderView {
  readonly id: string;
  readonly number: number;
  readonly accountId: string | null;
  readonly cartId: string | null;
  readonly email: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly subtotal: number;
  readonly shipping: number;
  readonly tax: number;
  readonly taxInclusive: boolean;
  readonly total: number;
  readonly shippingMethod: string;
  readonly address: Address;
  readonly paymentRef: string | null;
  readonly createdAt: Date;
  readonly lines: { sku: string; title: string; options: Record<string, string>; quantity: number; unitPrice: number; total: number; variantId: string }[];
}

/** Takes stock for every line and writes the order as pending payment, atomically. Throws OutOfStockError. */
export async function placeOrder(db: Kysely<Database>, o: NewOrder): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Lock rows in a fixed order so two orders for the same variants cannot deadlock.
    const sorted = [...o.lines].sort((a, b) => a.variantId.localeCompare(b.variantId));
    for (const l of sorted) {
      const taken = await trx
        .updateTable('inventory')
        .set((eb) => ({ on_hand: eb('on_hand', '-', l.quantity), updated_at: sql<Date>`clock_timestamp()` }))
        .where('variant_id', '=', l.variantId)
        .where('on_hand', '>=', l.quantity)
        .returning('on_hand')
        .executeTakeFirst();
      if (!taken) throw new OutOfStockError(l.sku);
    }
    await trx
      .insertInto('orders')
      .values({
        id: o.id,
        account_id: o.accountId,
        cart_id: o.cartId,
        email: o.email,
        status: 'pending_payment',
        currency: o.totals.total.currency,
        subtotal: o.totals.subtotal.amount,
        shipping: o.totals.shipping.amount,
        tax: o.totals.tax.amount,
        tax_inclusive: o.totals.taxInclusive,
        total: o.totals.total.amount,
        shipping_method: o.shippingMethod,
        shipping_address: JSON.stringify(o.address),
        payment_provider: o.paymentProvider,
      })
      .execute();
    await trx
      .insertInto('order_lines')
      .values(
        o.lines.map((l, i) => ({
          order_id: o.id,
          line_no: i + 1,
          variant_id: l.variantId,
          product_id: l.productId,
          sku: l.sku,
          title: l.title,
          options: JSON.stringify(l.options),
          quantity: l.quantity,
          unit_price: l.unitPrice.amount,
          total: l.total.amount,
        })),
      )
      .execute();
  });
}

async function move(trx: Transaction<Database>, orderId: string, event: OrderEvent): Promise<OrderStatus> {
  const row = await trx.selectFrom('orders').select('status').where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
  const to = nextStatus(row.status as OrderStatus, event);
  await trx.updateTable('orders').set({ status: to, updated_at: new Date() }).where('id', '=', orderId).execute();
  return to;
}

async function releaseStock(trx: Transaction<Database>, orderId: string): Promise<void> {
  const lines = await trx.selectFrom('order_lines').select(['variant_id', 'quantity']).where('order_id', '=', orderId).orderBy('variant_id').execute();
  for (const l of lines) {
    await trx
      .updateTable('inventory')
      .set((eb) => ({ on_hand: eb('on_hand', '+', l.quantity), updated_at: sql<Date>`clock_timestamp()` }))
      .where('variant_id', '=', l.variant_id)
      .execute();
  }
}

/** The payment went through: order paid, payment recorded, cart emptied and `order.placed` in the outbox, at once. */
export async function recordPaid(db: Kysely<Database>, orderId: string, p: { provider: string; ref: string; amount: number; currency: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Already recorded (a resumed attempt or a webhook got here first): nothing more to do.
    const current = await trx.selectFrom('orders').select(['status', 'payment_ref']).where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
    if (current.status === 'paid' && current.payment_ref === p.ref) return;
    await move(trx, orderId, 'pay');
    await trx.updateTable('orders').set({ payment_ref: p.ref }).where('id', '=', orderId).execute();
    await trx
      .insertInto('payments')
      .values({ id: randomUUID(), order_id: orderId, provider: p.provider, provider_ref: p.ref, kind: 'charge', status: 'succeeded', amount: p.amount, currency: p.currency, detail: null })
      .execute();
    const order = await trx.selectFrom('orders').select(['cart_id', 'email', 'number']).where('id', '=', orderId).executeTakeFirstOrThrow();
    if (order.cart_id) await clearCart(trx, order.cart_id);
    await trx
      .insertInto('outbox')
      .values({ id: randomUUID(), topic: 'order.placed', payload: JSON.stringify({ orderId, number: order.number, email: order.email }) })
      .execute();
  });
}

/** The payment failed: the order says so and its stock goes back on the shelf, at once. */
export async function recordPaymentFailed(db: Kysely<Database>, orderId: string, p: { provider: string; ref?: string; amount: number; currency: string; reason: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await move(trx, orderId, 'fail_payment');
    await releaseStock(trx, orderId);
    await trx
      .insertInto('payments')
      .values({ id: randomUUID(), order_id: orderId, provider: p.provider, provider_ref: p.ref ?? null, kind: 'charge', status: 'declined', amount: p.amount, currency: p.currency, detail: p.reason })
      .execute();
  });
}

/** Records the provider's reference while the shopper completes an extra step (3-D Secure). */
export async function recordPaymentPending(db: Kysely<Database>, orderId: string, ref: string): Promise<void> {
  await db.updateTable('orders').set({ payment_ref: ref, updated_at: new Date() }).where('id', '=', orderId).where('status', '=', 'pending_payment').execute();
}

export async function getOrder(db: Kysely<Database>, orderId: string): Promise<OrderView | undefined> {
  const o = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!o) return undefined;
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
  return {
    id: o.id,
    number: o.number,
    accountId: o.account_id,
    cartId: o.cart_id,
    email: o.email,
    status: o.status as OrderStatus,
    currency: o.currency,
    subtotal: o.subtotal,
    shipping: o.shipping,
    tax: o.tax,
    taxInclusive: o.tax_inclusive,
    total: o.total,
    shippingMethod: o.shipping_method,
    address: o.shipping_address as Address,
    paymentRef: o.payment_ref,
    createdAt: o.created_at,
    lines: lines.map((l) => ({ sku: l.sku, title: l.title, options: l.options as Record<string, string>, quantity: l.quantity, unitPrice: l.unit_price, total: l.total, variantId: l.variant_id })),
  };
}
