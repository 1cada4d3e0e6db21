// '/orders/:id': the confirmation right after paying, and the order page later (from the account's history).
// The shop answers only the browser whose cart placed the order, or the account that owns it.
import { getOrder, isNotFound } from '../api.ts';
import { ConfirmPayment } from '../components/ConfirmPayment.tsx';
import { OrderBody, StatusBadge } from '../components/OrderParts.tsx';
import { ErrorState, Loading, NotFound } from '../components/States.tsx';
import { formatDate } from '../format.ts';
import { useTitle } from '../router.tsx';
import type { Order as OrderJson } from '../types.ts';
import { useAsync } from '../useAsync.ts';

export function Order({ id }: { id: string }) {
  const order = useAsync((signal) => getOrder(id, signal), [id]);
  useTitle(order.status === 'ready' ? `Order #${order.data.number}` : 'Order');
  if (order.status === 'loading') return <Loading label="Loading your order…" />;
  if (order.status === 'error') return isNotFound(order.error) ? <NotFound what="order" /> : <ErrorState error={order.error} onRetry={order.retry} />;
  return <OrderView order={order.data} onChanged={order.retry} />;
}

function OrderView({ order, onChanged }: { order: OrderJson; onChanged(): void }) {
  const thanks = order.status === 'paid' || order.status === 'fulfilled' || order.status === 'pending_payment';
  return (
    <article className="order" aria-labelledby="order-title">
      <h1 id="order-title">
        {thanks ? 'Thank you — order ' : 'Order '}
        <span data-testid="order-number">#{order.number}</span>
      </h1>
      <p className="order-meta">
        <StatusBadge status={order.status} /> <span>Placed {formatDate(order.createdAt, navigator.languages, true)}</span>
      </p>
      <p className="lead">{message(order)}</p>
      {order.status === 'pending_payment' && <ConfirmPayment order={order} onPaid={onChanged} headingLevel={2} autoFocus={false} />}
      <OrderBody order={order} />
    </article>
  );
}

function message(o: OrderJson): string {
  switch (o.status) {
    case 'paid':
      return `Your payment went through. We will email ${o.email} when your order ships.`;
    case 'fulfilled':
      return 'Your order is on its way.';
    case 'pending_payment':
      return 'Your payment is waiting for confirmation.';
    case 'payment_failed':
      return 'The payment for this order did not go through, and nothing was charged.';
    case 'cancelled':
      return `This order was cancelled${o.cancelledAt ? ` on ${formatDate(o.cancelledAt, navigator.languages)}` : ''}.`;
    case 'refunded':
      return 'This order was refunded.';
  }
}
