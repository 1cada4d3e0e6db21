// The signed-in shopper's orders, newest first, a page at a time.
import { useEffect } from 'react';
import { getAccountOrders, isUnauthenticated } from '../../api.ts';
import { LoadMore, usePaged } from '../../components/LoadMore.tsx';
import { StatusBadge } from '../../components/OrderParts.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { Link } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { OrderSummary } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';

const PAGE = 10;

export function OrderHistory() {
  const first = useAsync((signal) => getAccountOrders({ limit: PAGE }, signal), []);
  const failed = first.status === 'error' ? first.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  return (
    <section aria-labelledby="orders-title" className="panel">
      <h2 id="orders-title">Your orders</h2>
      {first.status === 'loading' && <Loading label="Loading your orders…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {first.status === 'ready' && <OrderTable initial={first.data.items} initialCursor={first.data.nextCursor} />}
    </section>
  );
}

function OrderTable({ initial, initialCursor }: { initial: readonly OrderSummary[]; initialCursor: string | null }) {
  const paged = usePaged(initial, initialCursor, (cursor) => getAccountOrders({ cursor, limit: PAGE }));
  const { items } = paged;
  const locales = navigator.languages;

  if (items.length === 0) {
    return (
      <p>
        No orders yet. <Link href="/">Browse the catalog</Link>.
      </p>
    );
  }
  return (
    <>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Items
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <Link href={`/orders/${encodeURIComponent(o.id)}`}>#{o.number}</Link>
                </th>
                <td className="nowrap">{formatDate(o.createdAt, locales)}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td className="num">{o.itemCount}</td>
                <td className="num nowrap">{formatMoney(o.total, locales)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore paged={paged} label="Show older orders" />
    </>
  );
}
