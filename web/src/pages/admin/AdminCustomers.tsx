// '/admin/customers': customer accounts, newest first, searched by email or name (?q= in the URL, so a search can be
// bookmarked and Back returns to it), each with its paid orders, spend and last order. Only accounts: a guest who
// checked out without signing up is found on the order desk by email.
import { useEffect, useState, type FormEvent } from 'react';
import { getAdminCustomers, isUnauthenticated } from '../../api.ts';
import { LoadMore, usePaged } from '../../components/LoadMore.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { Link, navigate, useLocation, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { CustomerSummary } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';

const PAGE = 25;
/** The API's limit on q. */
const MAX_QUERY = 254;

const listUrl = (q: string): string => `/admin/customers${q ? `?${new URLSearchParams({ q }).toString()}` : ''}`;

export function AdminCustomers() {
  useTitle('Customers');
  const { search } = useLocation();
  const q = (new URLSearchParams(search).get('q') ?? '').slice(0, MAX_QUERY);
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const first = useAsync((signal) => getAdminCustomers({ q, limit: PAGE }, signal), [q]);
  const failed = first.status === 'error' ? first.error : undefined;
  useEffect(() => {
    if (isUnauthenticated(failed)) sessionStore.expired();
  }, [failed]);

  const onSearch = (e: FormEvent): void => {
    e.preventDefault();
    navigate(listUrl(text.trim()));
  };

  return (
    <>
      <AdminNav current="customers" />
      <h1>Customers</h1>
      <form className="filters-bar" role="search" aria-label="Search customers" onSubmit={onSearch}>
        <div className="field search-field">
          <label htmlFor="customer-search">Search</label>
          <div className="inline-input">
            <input
              id="customer-search"
              type="search"
              value={text}
              maxLength={MAX_QUERY}
              onChange={(e) => setText(e.target.value)}
              placeholder="Email or name"
              aria-describedby="customer-search-hint"
            />
            <button type="submit" className="button">
              Search
            </button>
          </div>
          <p id="customer-search-hint" className="field-hint">
            Part of the customer’s email or name. Guests who checked out without an account are on the Orders page.
          </p>
        </div>
      </form>
      {first.status === 'loading' && <Loading label="Loading customers…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {first.status === 'ready' && <CustomersTable key={q} initial={first.data.items} initialCursor={first.data.nextCursor} q={q} />}
    </>
  );
}

function CustomersTable(props: { initial: readonly CustomerSummary[]; initialCursor: string | null; q: string }) {
  const paged = usePaged(props.initial, props.initialCursor, (cursor) => getAdminCustomers({ q: props.q, cursor, limit: PAGE }));
  const { items } = paged;
  const locales = navigator.languages;

  if (items.length === 0) return <p className="state">{props.q ? 'No customers match this search.' : 'No customer accounts yet.'}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="admin-customers">
          <caption className="visually-hidden">Customers, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Name</th>
              <th scope="col">Joined</th>
              <th scope="col" className="num">
                Paid orders
              </th>
              <th scope="col" className="num">
                Total spent
              </th>
              <th scope="col">Last order</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <th scope="row" className="break">
                  <Link href={`/admin/customers/${encodeURIComponent(c.id)}`}>{c.email}</Link>
                </th>
                <td>{c.name ?? <><span aria-hidden="true">—</span><span className="visually-hidden">No name</span></>}</td>
                <td className="nowrap">{formatDate(c.createdAt, locales)}</td>
                <td className="num">{c.paidOrders}</td>
                <td className="num nowrap">{formatMoney(c.totalSpent, locales)}</td>
                <td className="nowrap">{c.lastOrderAt ? formatDate(c.lastOrderAt, locales) : 'Never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore paged={paged} label="Load more customers" />
    </>
  );
}
