// Orders and their payments. Stock is taken in the same transaction that writes the order, and given back in the
// same transaction that records a failed payment or a cancellation: stock and orders can never disagree.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Address } from '../../domain/address.ts';
import type { PricedLine, Totals } from '../../domain/checkout.ts';
import { format, money } from '../../domain/money.ts';
import { nextStatus, OrderStateError, planRefund, type OrderEvent, type OrderStatus } from '../../domain/order.ts';
import { currentTraceparent } from '../../monitoring/tracing.ts';
import { recordAudit } from './audit.ts';
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
  readonly paymentProvider: string;
  /** Minor units given back (or being given back) through the provider. */
  readonly refunded: number;
  readonly carrier: string | null;
  readonly trackingNumber: string | null;
  readonly fulfilledAt: Date | null;
  readonly cancelledAt: Date | null;
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
    await trx.insertInto('order_history').values({ order_id: o.id, from_status: null, to_status: 'pending_payment', actor: o.accountId, note: null }).execute();
  });
}

/** Who asked for a change and why, kept in order_history. A null actor is the shop itself (checkout, webhooks). */
export interface Change {
  /** The staff account's id and the request, for the audit log (staff changes are audited; the shop's own are not). */
  readonly actorId?: string | null;
  readonly requestId?: string;
  readonly actor: string | null;
  readonly note?: string | null;
}

/** Locks the order row for the rest of the transaction and reads what the state machine needs. */
export async function lockOrder(trx: Transaction<Database>, orderId: string) {
  const row = await trx.selectFrom('orders').select(['status', 'total', 'refunded', 'payment_ref', 'currency', 'payment_provider']).where('id', '=', orderId).forUpdate().executeTakeFirst();
  return row && { ...row, status: row.status as OrderStatus };
}

export async function move(trx: Transaction<Database>, orderId: string, event: OrderEvent, change: Change = { actor: null }): Promise<OrderStatus> {
  const row = await trx.selectFrom('orders').select('status').where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
  const from = row.status as OrderStatus;
  const to = nextStatus(from, event);
  await trx.updateTable('orders').set({ status: to, updated_at: new Date() }).where('id', '=', orderId).execute();
  await recordHistory(trx, orderId, from, to, change);
  return to;
}

/** The order fields a staff action changes, for the audit log's before and after. */
async function snapshot(trx: Transaction<Database>, orderId: string) {
  const o = await trx.selectFrom('orders').select(['status', 'refunded', 'carrier', 'tracking_number']).where('id', '=', orderId).executeTakeFirstOrThrow();
  return { status: o.status, refunded: o.refunded, carrier: o.carrier, trackingNumber: o.tracking_number };
}

/** Appends the audit entry of a staff change, in the change's transaction. The shop's own changes are not audited. */
async function audit(trx: Transaction<Database>, orderId: string, change: Change, action: string, before: unknown, extra: Record<string, unknown> = {}): Promise<void> {
  if (change.actor === null) return;
  const after = { ...(await snapshot(trx, orderId)), ...extra };
  await recordAudit(trx, { id: change.actorId ?? null, email: change.actor, requestId: change.requestId }, { action, target: { type: 'order', id: orderId }, before, after });
}

export async function recordHistory(trx: Transaction<Database>, orderId: string, from: OrderStatus | null, to: OrderStatus, change: Change): Promise<void> {
  await trx.insertInto('order_history').values({ order_id: orderId, from_status: from, to_status: to, actor: change.actor, note: change.note ?? null }).execute();
}

export async function releaseStock(trx: Transaction<Database>, orderId: string): Promise<void> {
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
    // One locked read for all that follows (this runs on every order: bench:checkout counted three reads of the row
    // here before). Already recorded (a resumed attempt or a webhook got here first): nothing more to do.
    const order = await trx.selectFrom('orders').select(['status', 'payment_ref', 'cart_id', 'email', 'number']).where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
    if (order.status === 'paid' && order.payment_ref === p.ref) return;
    const from = order.status as OrderStatus;
    const to = nextStatus(from, 'pay');
    await trx.updateTable('orders').set({ status: to, payment_ref: p.ref, updated_at: new Date() }).where('id', '=', orderId).execute();
    await recordHistory(trx, orderId, from, to, { actor: null });
    await trx
      .insertInto('payments')
      .values({ id: randomUUID(), order_id: orderId, provider: p.provider, provider_ref: p.ref, kind: 'charge', status: 'succeeded', amount: p.amount, currency: p.currency, detail: null })
      .execute();
    if (order.cart_id) await clearCart(trx, order.cart_id);
    await trx
      .insertInto('outbox')
      .values({ id: randomUUID(), traceparent: currentTraceparent(), topic: 'order.placed', payload: JSON.stringify({ orderId, number: order.number, email: order.email }) })
      .execute();
  });
}

/** The payment failed: the order says so and its stock goes back on the shelf, at once. */
export async function recordPaymentFailed(db: Kysely<Database>, orderId: string, p: { provider: string; ref?: string; amount: number; currency: string; reason: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await move(trx, orderId, 'fail_payment', { actor: null, note: p.reason });
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
    paymentProvider: o.payment_provider,
    refunded: o.refunded,
    carrier: o.carrier,
    trackingNumber: o.tracking_number,
    fulfilledAt: o.fulfilled_at,
    cancelledAt: o.cancelled_at,
    createdAt: o.created_at,
    lines: lines.map((l) => ({ sku: l.sku, title: l.title, options: l.options as Record<string, string>, quantity: l.quantity, unitPrice: l.unit_price, total: l.total, variantId: l.variant_id })),
  };
}

// ---- after checkout: fulfil, cancel, refund (the provider calls are in src/compute/orders) -------------------

/** Paid → fulfilled with the parcel's carrier and tracking number; `order.fulfilled` goes out with it (the email). */
export async function recordFulfilled(db: Kysely<Database>, orderId: string, parcel: { carrier: string; trackingNumber: string }, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await snapshot(trx, orderId);
    await move(trx, orderId, 'fulfil', change);
    const o = await trx
      .updateTable('orders')
      .set({ carrier: parcel.carrier, tracking_number: parcel.trackingNumber, fulfilled_at: new Date() })
      .where('id', '=', orderId)
      .returning(['number', 'email'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('outbox')
      .values({ id: randomUUID(), traceparent: currentTraceparent(), topic: 'order.fulfilled', payload: JSON.stringify({ orderId, number: o.number, email: o.email, ...parcel }) })
      .execute();
    await audit(trx, orderId, change, 'order.fulfil', before);
  });
}

/** An unpaid order is cancelled: stock back on the shelf, nothing to refund. */
export async function recordCancelledUnpaid(db: Kysely<Database>, orderId: string, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const o = await lockOrder(trx, orderId);
    if (!o) throw new Error(`order ${orderId} does not exist`);
    if (o.status !== 'pending_payment') throw new OrderStateError(`order: a ${o.status.replace('_', ' ')} order is cancelled with a refund`, o.status);
    const before = await snapshot(trx, orderId);
    await cancelInTrx(trx, orderId, change);
    await audit(trx, orderId, change, 'order.cancel', before);
  });
}

async function cancelInTrx(trx: Transaction<Database>, orderId: string, change: Change): Promise<void> {
  await move(trx, orderId, 'cancel', change);
  await releaseStock(trx, orderId);
  const o = await trx.updateTable('orders').set({ cancelled_at: new Date() }).where('id', '=', orderId).returning(['number', 'email']).executeTakeFirstOrThrow();
  await trx.insertInto('outbox').values({ id: randomUUID(), traceparent: currentTraceparent(), topic: 'order.cancelled', payload: JSON.stringify({ orderId, number: o.number, email: o.email }) }).execute();
}

export interface PendingRefund {
  readonly refundId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly provider: string;
  /** The charge being refunded, as the provider knows it. */
  readonly chargeRef: string;
  /** Refunding what is left as part of cancelling a paid order (stock goes back when it succeeds). */
  readonly cancels: boolean;
}

/**
 * Step 1 of a refund: checks the move, then reserves the amount on the order and writes the refund as pending,
 * before the provider is called. A crash after this leaves a pending refund that `retryPendingRefunds` finishes;
 * the reservation means two refunds racing can never give back more than was paid.
 */
export async function reserveRefund(db: Kysely<Database>, orderId: string, r: { amount?: number; cancels: boolean; note?: string | null; requestedBy?: Change }): Promise<PendingRefund> {
  return db.transaction().execute(async (trx) => {
    const o = await lockOrder(trx, orderId);
    if (!o) throw new Error(`order ${orderId} does not exist`);
    const pending = await trx.selectFrom('payments').select('id').where('order_id', '=', orderId).where('kind', '=', 'refund').where('status', '=', 'pending').executeTakeFirst();
    if (pending) throw new OrderStateError('order: a refund for this order is still in progress; try again in a moment', o.status);
    let amount: number;
    if (r.cancels) {
      nextStatus(o.status, 'cancel');
      amount = o.total - o.refunded;
    } else {
      amount = planRefund(o, r.amount).amount;
    }
    if (!o.payment_ref) throw new OrderStateError('order: has no recorded payment to refund', o.status);
    const refundId = randomUUID();
    await trx
      .insertInto('payments')
      .values({
        id: refundId,
        order_id: orderId,
        provider: o.payment_provider,
        provider_ref: null,
        kind: 'refund',
        status: 'pending',
        amount,
        currency: o.currency,
        detail: r.note ?? null,
        cancels_order: r.cancels,
        requested_by: r.requestedBy?.actor ? JSON.stringify({ id: r.requestedBy.actorId ?? null, email: r.requestedBy.actor, requestId: r.requestedBy.requestId }) : null,
      })
      .execute();
    await trx.updateTable('orders').set((eb) => ({ refunded: eb('refunded', '+', amount), updated_at: new Date() })).where('id', '=', orderId).execute();
    return { refundId, orderId, amount, currency: o.currency, provider: o.payment_provider, chargeRef: o.payment_ref, cancels: r.cancels };
  });
}

/** Step 2: the provider refunded. The order moves (refunded in full, or cancelled with its stock back). Idempotent. */
export async function recordRefunded(db: Kysely<Database>, refund: PendingRefund, refundRef: string, change: Change): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const o = await lockOrder(trx, refund.orderId);
    const done = await trx
      .updateTable('payments')
      .set({ status: 'succeeded', provider_ref: refundRef })
      .where('id', '=', refund.refundId)
      .where('status', '=', 'pending')
      .returning('requested_by')
      .executeTakeFirst();
    if (!o || !done) return; // already recorded (a retry after a crash got here first)
    // The staff member who asked, even when the worker finishes the refund after a crash.
    const asked = done.requested_by as { id: string | null; email: string; requestId?: string } | null;
    const staff: Change = change.actor !== null || !asked ? change : { ...change, actor: asked.email, actorId: asked.id, requestId: asked.requestId };
    const before = { ...(await snapshot(trx, refund.orderId)), refunded: o.refunded - refund.amount };
    if (refund.cancels) {
      await cancelInTrx(trx, refund.orderId, staff);
    } else if (o.refunded >= o.total) {
      await move(trx, refund.orderId, 'refund', staff);
    } else {
      await recordHistory(trx, refund.orderId, o.status, o.status, { ...staff, note: `partial refund of ${format(money(refund.amount, refund.currency))}${staff.note ? `: ${staff.note}` : ''}` });
    }
    await audit(trx, refund.orderId, staff, refund.cancels ? 'order.cancel' : 'order.refund', before, { amount: refund.amount, refundRef });
    const n = await trx.selectFrom('orders').select(['number', 'email']).where('id', '=', refund.orderId).executeTakeFirstOrThrow();
    await trx
      .insertInto('outbox')
      .values({ id: randomUUID(), traceparent: currentTraceparent(), topic: 'order.refunded', payload: JSON.stringify({ orderId: refund.orderId, refundId: refund.refundId, number: n.number, email: n.email, amount: refund.amount, currency: refund.currency, cancelled: refund.cancels }) })
      .execute();
  });
}

/** Step 2, the other way: the provider refused. The reservation is given back; nothing changed for the shopper. */
export async function recordRefundFailed(db: Kysely<Database>, refund: PendingRefund, reason: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockOrder(trx, refund.orderId);
    const failed = await trx.updateTable('payments').set({ status: 'failed', detail: reason }).where('id', '=', refund.refundId).where('status', '=', 'pending').executeTakeFirst();
    if (failed.numUpdatedRows === 0n) return;
    await trx.updateTable('orders').set((eb) => ({ refunded: eb('refunded', '-', refund.amount), updated_at: new Date() })).where('id', '=', refund.orderId).execute();
  });
}

/** Refunds left pending by a crash between reserving and recording, oldest first. */
export async function pendingRefunds(db: Kysely<Database>, olderThan: Date, limit = 50): Promise<PendingRefund[]> {
  const rows = await db
    .selectFrom('payments as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .select(['p.id', 'p.order_id', 'p.amount', 'p.currency', 'p.provider', 'p.cancels_order', 'o.payment_ref'])
    .where('p.kind', '=', 'refund')
    .where('p.status', '=', 'pending')
    .where('p.created_at', '<', olderThan)
    .orderBy('p.created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ refundId: r.id, orderId: r.order_id, amount: r.amount, currency: r.currency, provider: r.provider, chargeRef: r.payment_ref ?? '', cancels: r.cancels_order }));
}

/** Orders still waiting for payment since before `olderThan` (abandoned 3-D Secure steps, crashed checkouts). */
export async function stalePendingOrders(db: Kysely<Database>, olderThan: Date, limit = 50): Promise<{ id: string; paymentRef: string | null; total: number; currency: string; provider: string }[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'payment_ref', 'total', 'currency', 'payment_provider'])
    .where('status', '=', 'pending_payment')
    .where('created_at', '<', olderThan)
    .orderBy('number')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, paymentRef: r.payment_ref, total: r.total, currency: r.currency, provider: r.payment_provider }));
}

// ---- reading lists ---------------------------------------------------------------------------------------------

export interface OrderSummary {
  readonly id: string;
  readonly number: number;
  readonly status: OrderStatus;
  readonly email: string;
  readonly currency: string;
  readonly total: number;
  readonly itemCount: number;
  readonly createdAt: Date;
}

export interface OrderQuery {
  /** Only this customer's orders. */
  readonly accountId?: string;
  readonly status?: OrderStatus;
  /** An order number ("1042" or "#1042"), an order id, or part of the contact email. */
  readonly text?: string;
  /** Keyset cursor: orders numbered below this one. */
  readonly before?: number;
  readonly limit: number;
}

/** Newest first, one page at a time; `nextBefore` is the cursor for the next page (null on the last). */
export async function listOrders(db: Kysely<Database>, q: OrderQuery): Promise<{ items: OrderSummary[]; nextBefore: number | null }> {
  let query = db
    .selectFrom('orders as o')
    .select((eb) => [
      'o.id',
      'o.number',
      'o.status',
      'o.email',
      'o.currency',
      'o.total',
      'o.created_at',
      eb.selectFrom('order_lines as l').select(sql<number>`coalesce(sum(l.quantity), 0)::int`.as('n')).whereRef('l.order_id', '=', 'o.id').as('item_count'),
    ])
    .orderBy('o.number', 'desc')
    .limit(q.limit + 1);
  if (q.accountId !== undefined) query = query.where('o.account_id', '=', q.accountId);
  if (q.status) query = query.where('o.status', '=', q.status);
  if (q.before !== undefined) query = query.where('o.number', '<', q.before);
  const text = q.text?.trim();
  if (text) {
    const num = /^#?(\d{1,15})$/.exec(text);
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([...(num ? [eb('o.number', '=', Number(num[1]))] : []), eb('o.id', '=', text), eb('o.email', 'ilike', like)]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({ id: r.id, number: r.number, status: r.status as OrderStatus, email: r.email, currency: r.currency, total: r.total, itemCount: r.item_count ?? 0, createdAt: r.created_at })),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.number : null,
  };
}

export interface OrderHistoryEntry {
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly at: Date;
  readonly actor: string | null;
  readonly note: string | null;
}

export async function orderHistory(db: Kysely<Database>, orderId: string): Promise<OrderHistoryEntry[]> {
  const rows = await db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  return rows.map((r) => ({ from: r.from_status as OrderStatus | null, to: r.to_status as OrderStatus, at: r.at, actor: r.actor, note: r.note }));
}
