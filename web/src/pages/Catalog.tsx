// Catalog grid for '/products' (everything) and '/c/:category': category links, filters with counts (facets), a sort order, product
// cards and cursor paging. Filters and sort live in the URL (browse.ts): ticking one is a navigation, so it can be
// shared and Back undoes it; the page keeps showing the previous products until the new ones arrive.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { getCategories, getProducts, isNotFound } from '../api.ts';
import { browseSearch, clearFilters, hasFilters, parseBrowse, SORTS, type BrowseState, type Sort } from '../browse.ts';
import { FacetPanel } from '../components/FacetPanel.tsx';
import { ErrorState, Loading, NotFound } from '../components/States.tsx';
import { ProductCard } from '../components/ProductCard.tsx';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import type { CategorySummary, ProductPage, ProductSummary } from '../types.ts';
import { useAsync } from '../useAsync.ts';

const PAGE_SIZE = 24;

export function Catalog({ category }: { category?: string }) {
  const { pathname, search } = useLocation();
  const state = parseBrowse(search);
  const filters = browseSearch(state);
  const categories = useAsync((signal) => getCategories(signal), []);
  const first = useAsync((signal) => getProducts({ category, limit: PAGE_SIZE, filters }, signal), [category, filters]);
  const cats: readonly CategorySummary[] = categories.status === 'ready' ? categories.data.items : [];
  const current = cats.find((c) => c.slug === category);
  const heading = category ? (current?.name ?? titleCase(category)) : 'All products';
  useTitle(heading);

  // The answer on screen: the latest one, or while the next loads, the previous one of the same category.
  const [shown, setShown] = useState<{ category?: string; filters: string; page: ProductPage } | null>(null);
  if (first.status === 'ready' && shown?.page !== first.data) setShown({ category, filters, page: first.data });
  const onScreen = first.status === 'ready' ? { filters, page: first.data } : first.status === 'loading' && shown && shown.category === category ? shown : null;
  const update = (next: BrowseState): void => navigate(`${pathname}${browseSearch(next)}`, { scroll: false });

  if (first.status === 'error' && isNotFound(first.error)) return <NotFound what="category" />;
  return (
    <>
      <div className="catalog-head">
        <h1>{heading}</h1>
        {categories.status === 'ready' && (
          <nav aria-label="Categories" className="filters">
            <ul>
              <li>
                <Link href="/products" className="chip" aria-current={category ? undefined : 'page'}>
                  All
                </Link>
              </li>
              {cats.map((c) => (
                <li key={c.slug}>
                  <Link href={`/c/${encodeURIComponent(c.slug)}`} className="chip" aria-current={c.slug === category ? 'page' : undefined}>
                    {c.name} <span className="count">{c.productCount}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </div>
      {first.status === 'loading' && !onScreen && <Loading label="Loading products…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {onScreen && (
        <div className="catalog-layout">
          <FacetPanel facets={onScreen.page.facets} state={state} currency={onScreen.page.items[0]?.price.currency ?? 'USD'} onChange={update} />
          <div className="catalog-results" aria-busy={first.status === 'loading'}>
            <div className="catalog-toolbar">
              <p className="result-count" role="status" data-testid="result-count">
                {countLabel(onScreen.page)}
              </p>
              <div className="sort">
                <label htmlFor="catalog-sort">Sort by</label>
                <select id="catalog-sort" value={state.sort} onChange={(e) => update({ ...state, sort: e.target.value as Sort })}>
                  {SORTS.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <ProductGrid
              key={`${category ?? ''}${onScreen.filters}`}
              category={category}
              filters={onScreen.filters}
              initial={onScreen.page.items}
              initialCursor={onScreen.page.nextCursor}
              empty={
                hasFilters(state) ? (
                  <div className="state">
                    <p>No products match these filters.</p>
                    <button type="button" className="button button-secondary" onClick={() => update(clearFilters(state))}>
                      Clear all filters
                    </button>
                  </div>
                ) : (
                  <p className="state">No products here yet.</p>
                )
              }
            />
          </div>
        </div>
      )}
    </>
  );
}

function countLabel(page: ProductPage): string {
  const n = page.total ?? page.items.length;
  return `${n} ${n === 1 ? 'product' : 'products'}`;
}

function ProductGrid(props: { category?: string; filters: string; initial: readonly ProductSummary[]; initialCursor?: string; empty: ReactNode }) {
  const [items, setItems] = useState(props.initial);
  const [cursor, setCursor] = useState(props.initialCursor);
  const [more, setMore] = useState<{ loading: boolean; error?: unknown }>({ loading: false });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const loadMore = async (): Promise<void> => {
    if (!cursor || more.loading) return;
    abort.current = new AbortController();
    setMore({ loading: true });
    try {
      const page = await getProducts({ category: props.category, cursor, limit: PAGE_SIZE, filters: props.filters }, abort.current.signal);
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
      setMore({ loading: false });
    } catch (error) {
      if (!abort.current.signal.aborted) setMore({ loading: false, error });
    }
  };

  if (items.length === 0) return <>{props.empty}</>;
  return (
    <>
      <ul className="grid" aria-label="Products">
        {items.map((p, i) => (
          <ProductCard key={p.id} product={p} eager={i < 4} />
        ))}
      </ul>
      {more.error !== undefined && <ErrorState error={more.error} />}
      {cursor && (
        <div className="more">
          <button type="button" className="button" onClick={loadMore} disabled={more.loading} aria-busy={more.loading}>
            {more.loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

function titleCase(slug: string): string {
  return slug.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
