// '/admin/products': every product, drafts too, newest first; searched by words of the title or slug and filtered by
// status. The filters live in the URL (?q=&status=) so a filtered list can be bookmarked and Back returns to it.
import { useEffect, useState, type FormEvent } from 'react';
import { getAdminProducts, isUnauthenticated } from '../../api.ts';
import { LoadMore, usePaged } from '../../components/LoadMore.tsx';
import { SelectField } from '../../components/Field.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { formatDate, formatMoney } from '../../format.ts';
import { Link, navigate, useLocation, useTitle } from '../../router.tsx';
import { sessionStore } from '../../stores/session.ts';
import type { AdminProductSummary } from '../../types.ts';
import { useAsync } from '../../useAsync.ts';
import { AdminNav } from './AdminNav.tsx';
import { ProductStatusBadge } from './ProductStatusBadge.tsx';

type Filter = 'published' | 'draft' | '';
const PAGE = 25;

function listUrl(status: Filter, q: string): string {
  const p = new URLSearchParams();
  if (status) p.set('status', status);
  if (q) p.set('q', q);
  const s = p.toString();
  return `/admin/products${s ? `?${s}` : ''}`;
}

export function AdminProducts() {
  useTitle('Products');
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const raw = params.get('status') ?? '';
  const status: Filter = raw === 'published' || raw === 'draft' ? raw : '';
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const first = useAsync((signal) => getAdminProducts({ status, q, limit: PAGE }, signal), [status, q]);
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
      <AdminNav current="products" />
      <div className="page-head">
        <h1>Products</h1>
        <Link className="button" href="/admin/products/new">
          New product
        </Link>
      </div>
      <form className="filters-bar" role="search" aria-label="Filter products" onSubmit={onSearch}>
        <SelectField id="product-status-filter" label="Status" value={status} onChange={(e) => navigate(listUrl(e.target.value as Filter, q))}>
          <option value="">All products</option>
          <option value="published">Published</option>
          <option value="draft">Drafts</option>
        </SelectField>
        <div className="field search-field">
          <label htmlFor="product-search">Search</label>
          <div className="inline-input">
            <input id="product-search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Title or slug" aria-describedby="product-search-hint" />
            <button type="submit" className="button">
              Search
            </button>
          </div>
          <p id="product-search-hint" className="field-hint">
            Words of the title (like “oak chair”) or part of the slug.
          </p>
        </div>
      </form>
      {first.status === 'loading' && <Loading label="Loading products…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {first.status === 'ready' && (
        <ProductsTable key={`${status}|${q}`} initial={first.data.items} initialCursor={first.data.nextCursor} status={status} q={q} filtered={!!(status || q)} />
      )}
    </>
  );
}

function ProductsTable(props: { initial: readonly AdminProductSummary[]; initialCursor: string | null; status: Filter; q: string; filtered: boolean }) {
  const paged = usePaged(props.initial, props.initialCursor, (cursor) => getAdminProducts({ status: props.status, q: props.q, cursor, limit: PAGE }));
  const { items } = paged;
  const locales = navigator.languages;
  if (items.length === 0) return <p className="state">{props.filtered ? 'No products match these filters.' : 'No products yet: start with “New product”.'}</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="admin-products">
          <caption className="visually-hidden">Products, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Status</th>
              <th scope="col">Category</th>
              <th scope="col" className="num">
                Variants
              </th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} data-product-id={p.id}>
                <th scope="row" className="break">
                  <Link href={`/admin/products/${encodeURIComponent(p.id)}`}>{p.title}</Link>
                  <span className="field-hint mono"> {p.slug}</span>
                </th>
                <td>
                  <ProductStatusBadge status={p.status} />
                </td>
                <td>{p.category || '—'}</td>
                <td className="num">{p.variants}</td>
                <td className="num nowrap">{p.price ? formatMoney(p.price, locales) : '—'}</td>
                <td className="nowrap">{formatDate(p.updatedAt, locales, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore paged={paged} label="Load more" />
    </>
  );
}
