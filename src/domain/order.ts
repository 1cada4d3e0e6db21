// An order's life: which moves are allowed from which state. The workflow code asks before it writes, so an
// order can never be refunded twice, refunded beyond what was paid, or fulfilled before it is paid.
//
//   pending_payment ──pay──▶ paid ──fulfil──▶ fulfilled
//        │  └─fail_payment─▶ payment_failed     │
//        └─cancel─▶ cancelled ◀─cancel─ paid     │   (cancelling a paid order refunds what is left and restocks)
//                  refunded ◀─refund (in full)── paid / fulfilled (a partial refund keeps the status)

export type OrderStatus = 'pending_payment' | 'paid' | 'payment_failed' | 'fulfilled' | 'cancelled' | 'refunded';
export type OrderEvent = 'pay' | 'fail_payment' | 'fulfil' | 'cancel' | 'refund';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'payment_failed', 'fulfilled', 'cancelled', 'refunded'];

const MOVES: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_payment: { pay: 'paid', fail_payment: 'payment_failed', cancel: 'cancelled' },
  paid: { fulfil: 'fulfilled', refund: 'refunded', cancel: 'cancelled' },
  fulfilled: { refund: 'refunded' },
  payment_failed: {},
  cancelled: {},
  refunded: {},
};

/** An illegal move; carries the order's current status so the client can show (or reload) it. */
export class OrderStateError extends Error {
  readonly code = 'CONFLICT';
  constructor(
    message: string,
    readonly currentStatus: OrderStatus,
  ) {
    super(message);
  }
}

export class RefundAmountError extends Error {
  readonly code = 'INVALID_DATA';
}

const words = (s: string): string => s.replace('_', ' ');

export function nextStatus(from: OrderStatus, event: OrderEvent): OrderStatus {
  const to = MOVES[from][event];
  if (!to) throw new OrderStateError(`order: cannot ${words(event)} an order that is ${words(from)}`, from);
  return to;
}

export function can(from: OrderStatus, event: OrderEvent): boolean {
  return MOVES[from][event] !== undefined;
}

/**
 * A refund of `amount` minor units (default: all that is left) of an order that has `total` paid and `refunded`
 * already given back. The status changes only when nothing is left to refund.
 */
export function planRefund(o: { status: OrderStatus; total: number; refunded: number }, amount?: number): { amount: number; to: OrderStatus } {
  nextStatus(o.status, 'refund'); // throws when the order is not refundable at all
  const left = o.total - o.refunded;
  if (left <= 0) throw new OrderStateError('order: nothing is left to refund', o.status);
  const a = amount ?? left;
  if (!Number.isSafeInteger(a) || a <= 0) throw new RefundAmountError('amount: must be a whole number of minor units above 0');
  if (a > left) throw new RefundAmountError(`amount: at most ${left} is left to refund`);
  return { amount: a, to: a === left ? 'refunded' : o.status };
}
