// Job `order.placed` (relayed from the outbox written with the paid order): sends the order confirmation. Idempotent:
// the mail's key is the order id, so however often the event is delivered, one message goes out.
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import { getOrder } from '../../databases/relational/orders.ts';
import { orderConfirmationMail } from '../mail/templates/order-confirmation.ts';
import type { Job, JobQueue } from '../queue/queue.ts';
import { enqueueMail } from './send-mail.ts';

export const ORDER_PLACED = 'order.placed';

export interface OrderPlacedDeps {
  readonly db?: Kysely<Database>;
  readonly queue?: JobQueue;
  readonly shop?: { shopName: string; shopUrl: string };
}

export function orderPlacedHandler(deps: OrderPlacedDeps) {
  return async (job: Job<{ orderId?: unknown }>): Promise<void> => {
    const { db, queue, shop } = deps;
    if (!db || !queue || !shop) throw new Error(`${ORDER_PLACED}: this worker was started without the database, queue and shop details`);
    const orderId = job.payload?.orderId;
    if (typeof orderId !== 'string') throw new Error(`${ORDER_PLACED}: payload needs an orderId`);
    const order = await getOrder(db, orderId);
    if (!order) throw new Error(`${ORDER_PLACED}: order ${orderId} does not exist`);
    await enqueueMail(queue, `order-confirmation:${order.id}`, order.email, orderConfirmationMail(order, shop));
  };
}
