// An order's life: which moves are allowed from which state. The workflow code asks before it writes, so an
// order can never be refunded twice or fulfilled before it is paid.

export type OrderStatus = 'pending_payment' | 'paid' | 'payment_failed' | 'fulfilled' | 'cancelled' | 'refunded';
export type OrderEvent = 'pay' | 'fail_payment' | 'fulfil' | 'cancel' | 'refund';

const MOVES: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_payment: { pay: 'paid', fail_payment: 'payment_failed', cancel: 'cancelled' },
  paid: { fulfil: 'fulfilled', refund: 'refunded', cancel: 'refunded' },
  fulfilled: { refund: 'refunded' },
  payment_failed: {},
  cancelled: {},
  refunded: {},
};

export class OrderStateError extends Error {
  readonly code = 'CONFLICT';
}

export function nextStatus(from: OrderStatus, event: OrderEvent): OrderStatus {
  const to = MOVES[from][event];
  if (!to) throw new OrderStateError(`order: cannot ${event.replace('_', ' ')} an order that is ${from.replace('_', ' ')}`);
  return to;
}
