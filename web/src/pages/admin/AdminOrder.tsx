// '/admin/orders/:id': one order as the merchant sees it, with what can be done next and its history.
import { useEffect, useState } from 'react';
import { errorMessage, getAdminOrder, isNotFound, isUnauthenticated } from '../../api.ts';
import { FormError } from '../../components/Field.tsx';
import { OrderBody, StatusBadge } from '../../components/OrderParts.tsx';
import { ErrorState, Loading, NotFound } from '../../components/States.tsx';
import { formatDate, statusLabel } from '../../format.ts';
import { Link, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { AdminOrder as AdminOrderJson, OrderHistoryEntry, OrderStatus } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';
import { OrderActions } from './OrderActions.tsx';

export function AdminOrder({ id }: { id: string }) {
  return (
    <>
      <AdminNav current="orders" exact={false} />
      <AdminOrderBody id={id} />
    </>
  );
}

function AdminOrderBody({ id }: { id: string }) {
  const loaded = useAsync((signal) => getAdminOrder(id, signal), [id]);
  const failed = loaded.status === 'error' ? loaded.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  useTitle(loaded.status === 'ready' ? `Order #${loaded.data.number}` : 'Order');
  if (loaded.status === 'loading') return <Loading label="Loading the order…" />;
  if (loaded.status === 'error') return isNotFound(loaded.error) ? <NotFound what="order" /> : <ErrorState error={loaded.error} onRetry={loaded.retry} />;
  return <AdminOrderView key={loaded.data.id} initial={loaded.data} />;
}

function AdminOrderView({ initial }: { initial: AdminOrderJson }) {
  const [order, setOrder] = useState(initial);
  const [notice, setNotice] = useState('');
  const [alert, setAlert] = useState<string | null>(null);
  const locales = navigator.languages;

  // Reloaded in place (not through the loading state) so the conflict message stays on screen.
  const conflict = async (message: string): Promise<void> => {
    setNotice('');
    setAlert(message);
    try {
      setOrder(await getAdminOrder(order.id));
    } catch (err) {
      setAlert(`${message} ${errorMessage(err)}`);
    }
  };

  return (
    <article className="order" aria-labelledby="order-title">
      <p className="breadcrumb">
        <Link href="/admin/orders">Orders</Link>
      </p>
      <h1 id="order-title">
        Order <span data-testid="order-number">#{order.number}</span>
      </h1>
      <p className="order-meta">
        <StatusBadge status={order.status} /> <span>Placed {formatDate(order.createdAt, locales, true)}</span> <span className="break">{order.email}</span>
      </p>
      <p className="form-success" role="status">
        {notice}
      </p>
      <FormError message={alert} />
      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <OrderActions
          order={order}
          onDone={(next, message) => {
            setOrder(next);
            setAlert(null);
            setNotice(message);
          }}
          onConflict={(message) => void conflict(message)}
        />
      </section>
      <OrderBody order={order} />
      <History entries={order.history ?? []} />
    </article>
  );
}

function History({ entries }: { entries: readonly OrderHistoryEntry[] }) {
  const locales = navigator.languages;
  if (entries.length === 0) return null;
  const label = (s: string | null): string => (s ? statusLabel(s as OrderStatus) : 'New');
  return (
    <section aria-labelledby="history-title" className="panel">
      <h2 id="history-title">History</h2>
      <ol className="history">
        {entries.map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{formatDate(h.at, locales, true)}</time>{' '}
            <span>
              {label(h.from)} → <strong>{label(h.to)}</strong>
            </span>
            {h.actor && <span className="note"> by {h.actor}</span>}
            {h.note && <span className="note"> — {h.note}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
