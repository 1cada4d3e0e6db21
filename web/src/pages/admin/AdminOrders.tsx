// '/admin/orders': every order, filtered by status and searched by number or email. The filters live in the
// URL (?status=&q=) so a filtered list can be bookmarked and Back returns to it.
import { useEffect, useState, type FormEvent } from 'react';
import { getAdminOrders, isUnauthenticated } from '../../api.ts';
import { LoadMore, usePaged } from '../../components/LoadMore.tsx';
import { SelectField } from '../../components/Field.tsx';
import { StatusBadge } from '../../components/OrderParts.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate, formatMoney, statusLabel } from '../../format.ts';
import { Link, navigate, useLocation, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { AdminOrderSummary, OrderStatus } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';

const STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'fulfilled', 'payment_failed', 'cancelled', 'refunded'];
const PAGE = 25;

function listUrl(status: string, q: string): string {
  const p = new URLSearchParams();
  if (status) p.set('status', status);
  if (q) p.set('q', q);
  const s = p.toString();
  return `/admin/orders${s ? `?${s}` : ''}`;
}

export function AdminOrders() {
  useTitle('Orders');
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const rawStatus = params.get('status') ?? '';
  const status = (STATUSES as readonly string[]).includes(rawStatus) ? (rawStatus as OrderStatus) : '';
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const first = useAsync((signal) => getAdminOrders({ status, q, limit: PAGE }, signal), [status, q]);
  const failed = first.status === 'error' ? first.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);

  const onSearch = (e: FormEvent): void => {
    e.preventDefault();
    navigate(listUrl(status, text.trim()));
  };

  return (
    <>
      <AdminNav current="orders" />
      <h1>Orders</h1>
      <form className="filters-bar" role="search" aria-label="Filter orders" onSubmit={onSearch}>
        <SelectField id="status-filter" label="Status" value={status} onChange={(e) => navigate(listUrl(e.target.value, q))}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </SelectField>
        <div className="field search-field">
          <label htmlFor="order-search">Search</label>
          <div className="inline-input">
            <input id="order-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Order number or email" aria-describedby="order-search-hint" />
            <button type="submit" className="button">
              Search
            </button>
          </div>
          <p id="order-search-hint" className="field-hint">
            An order number (like 1001) or part of the customer’s email.
          </p>
        </div>
      </form>
      {first.status === 'loading' && <Loading label="Loading orders…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {first.status === 'ready' && (
        <OrdersTable key={`${status}|${q}`} initial={first.data.items} initialCursor={first.data.nextCursor} status={status} q={q} filtered={!!(status || q)} />
      )}
    </>
  );
}

function OrdersTable(props: { initial: readonly AdminOrderSummary[]; initialCursor: string | null; status: OrderStatus | ''; q: string; filtered: boolean }) {
  const paged = usePaged(props.initial, props.initialCursor, (cursor) => getAdminOrders({ status: props.status, q: props.q, cursor, limit: PAGE }));
  const { items } = paged;
  const locales = navigator.languages;

  if (items.length === 0) return <p className="state">{props.filtered ? 'No orders match these filters.' : 'No orders yet.'}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="admin-orders">
          <caption className="visually-hidden">Orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Customer</th>
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
                  <Link href={`/admin/orders/${encodeURIComponent(o.id)}`}>#{o.number}</Link>
                </th>
                <td className="nowrap">{formatDate(o.createdAt, locales, true)}</td>
                <td className="break">{o.email}</td>
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
      <LoadMore paged={paged} label="Load more" />
    </>
  );
}
