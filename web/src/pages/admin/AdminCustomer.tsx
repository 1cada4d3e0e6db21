// '/admin/customers/:id': one customer account as the merchant sees it: who, since when, what they spent, their saved
// addresses and their latest orders (each linking to the order desk). Read only.
import { useEffect } from 'react';
import { getAdminCustomer, isNotFound, isUnauthenticated } from '../../api.ts';
import { AddressBlock, StatusBadge } from '../../components/OrderParts.tsx';
import { ErrorState, Loading, NotFound } from '../../components/States.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { Link, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { CustomerDetail } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';

export function AdminCustomer({ id }: { id: string }) {
  return (
    <>
      <AdminNav current="customers" exact={false} />
      <AdminCustomerBody id={id} />
    </>
  );
}

function AdminCustomerBody({ id }: { id: string }) {
  const loaded = useAsync((signal) => getAdminCustomer(id, signal), [id]);
  const failed = loaded.status === 'error' ? loaded.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);
  useTitle(loaded.status === 'ready' ? `Customer ${loaded.data.name ?? loaded.data.email}` : 'Customer');
  if (loaded.status === 'loading') return <Loading label="Loading the customer…" />;
  if (loaded.status === 'error') return isNotFound(loaded.error) ? <NotFound what="customer" /> : <ErrorState error={loaded.error} onRetry={loaded.retry} />;
  return <CustomerView customer={loaded.data} />;
}

function CustomerView({ customer: c }: { customer: CustomerDetail }) {
  const locales = navigator.languages;
  return (
    <article className="customer" aria-labelledby="customer-title">
      <p className="breadcrumb">
        <Link href="/admin/customers">Customers</Link>
      </p>
      <h1 id="customer-title" className="break">
        {c.name ?? c.email}
      </h1>
      <dl className="facts" data-testid="customer-facts">
        <div>
          <dt>Email</dt>
          <dd className="break">
            <a href={`mailto:${c.email}`}>{c.email}</a>
          </dd>
        </div>
        <div>
          <dt>Customer since</dt>
          <dd>
            <time dateTime={c.createdAt}>{formatDate(c.createdAt, locales)}</time>
          </dd>
        </div>
        <div>
          <dt>Paid orders</dt>
          <dd>{c.paidOrders}</dd>
        </div>
        <div>
          <dt>Total spent</dt>
          <dd>{formatMoney(c.totalSpent, locales)}</dd>
        </div>
        <div>
          <dt>Last order</dt>
          <dd>{c.lastOrderAt ? <time dateTime={c.lastOrderAt}>{formatDate(c.lastOrderAt, locales, true)}</time> : 'Never'}</dd>
        </div>
      </dl>

      <section aria-labelledby="addresses-title" className="panel">
        <h2 id="addresses-title">Addresses</h2>
        {c.addresses.length === 0 ? (
          <p className="state">No saved addresses.</p>
        ) : (
          <ul className="address-cards">
            {c.addresses.map((a) => (
              <li key={a.id} className="address-card">
                <p className="address-card-label">
                  <strong>{a.label}</strong> {a.isDefault && <span className="badge">Default</span>}
                </p>
                <AddressBlock address={a.address} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="orders-title" className="panel">
        <h2 id="orders-title">Orders</h2>
        {c.orders.length === 0 ? (
          <p className="state">No orders yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="customer-orders">
              <caption className="visually-hidden">{c.moreOrders ? `The latest ${c.orders.length} orders, newest first` : 'Orders, newest first'}</caption>
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
                {c.orders.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      <Link href={`/admin/orders/${encodeURIComponent(o.id)}`}>#{o.number}</Link>
                    </th>
                    <td className="nowrap">{formatDate(o.createdAt, locales, true)}</td>
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
        )}
        {/* The order desk searches the contact email of each order, which may differ from the account's: no link there. */}
        {c.moreOrders && <p className="field-hint">Showing the latest {c.orders.length} orders.</p>}
      </section>
    </article>
  );
}
