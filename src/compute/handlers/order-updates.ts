// Jobs `order.fulfilled`, `order.cancelled` and `order.refunded` (relayed from the outbox written with the change):
// tell the shopper. Idempotent like order.placed: each mail's key names the change, so a redelivered event sends
// nothing new.
import { getOrder } from '../../databases/relational/orders.ts';
import { cancellationMail, refundMail, shippingConfirmationMail } from '../mail/templates/order-updates.ts';
import type { Job } from '../queue/queue.ts';
import type { OrderPlacedDeps } from './order-placed.ts';
import { enqueueMail } from './send-mail.ts';

export const ORDER_FULFILLED = 'order.fulfilled';
export const ORDER_CANCELLED = 'order.cancelled';
export const ORDER_REFUNDED = 'order.refunded';

type Payload = { orderId?: unknown; refundId?: unknown; amount?: unknown; cancelled?: unknown };

export function orderUpdateHandlers(deps: OrderPlacedDeps) {
  const context = async (topic: string, job: Job<Payload>) => {
    const { db, queue, shop } = deps;
    if (!db || !queue || !shop) throw new Error(`${topic}: this worker was started without the database, queue and shop details`);
    const orderId = job.payload?.orderId;
    if (typeof orderId !== 'string') throw new Error(`${topic}: payload needs an orderId`);
    const order = await getOrder(db, orderId);
    if (!order) throw new Error(`${topic}: order ${orderId} does not exist`);
    return { order, queue, shop };
  };
  return {
    [ORDER_FULFILLED]: async (job: Job<Payload>): Promise<void> => {
      const { order, queue, shop } = await context(ORDER_FULFILLED, job);
      await enqueueMail(queue, `shipping-confirmation:${order.id}`, order.email, shippingConfirmationMail(order, shop));
    },
    [ORDER_CANCELLED]: async (job: Job<Payload>): Promise<void> => {
      const { order, queue, shop } = await context(ORDER_CANCELLED, job);
      await enqueueMail(queue, `order-cancelled:${order.id}`, order.email, cancellationMail(order, shop));
    },
    [ORDER_REFUNDED]: async (job: Job<Payload>): Promise<void> => {
      // The refund that cancels an order is announced by the cancellation mail.
      if (job.payload?.cancelled === true) return;
      const { order, queue, shop } = await context(ORDER_REFUNDED, job);
      const { refundId, amount } = job.payload;
      if (typeof refundId !== 'string' || typeof amount !== 'number') throw new Error(`${ORDER_REFUNDED}: payload needs a refundId and an amount`);
      await enqueueMail(queue, `order-refunded:${refundId}`, order.email, refundMail(order, { amount }, shop));
    },
  };
}
