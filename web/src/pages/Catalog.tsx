// Catalog grid for '/' and '/c/:category': category filter, product cards, and cursor paging.
import { useEffect, useRef, useState } from 'react';
import { getCategories, getProducts, isNotFound } from '../api.ts';
import { ErrorState, Loading, NotFound } from '../components/States.tsx';
import { ProductCard } from '../components/ProductCard.tsx';
import { Link, useTitle } from '../router.tsx';
import type { CategorySummary, ProductSummary } from '../types.ts';
import { useAsync } from '../useAsync.ts';

const PAGE_SIZE = 24;

export function Catalog({ category }: { category?: string }) {
  const categories = useAsync((signal) => getCategories(signal), []);
  const first = useAsync((signal) => getProducts({ category, limit: PAGE_SIZE }, signal), [category]);
  const cats: readonly CategorySummary[] = categories.status === 'ready' ? categories.data.items : [];
  const current = cats.find((c) => c.slug === category);
  const heading = category ? (current?.name ?? titleCase(category)) : 'All products';
  useTitle(category ? heading : '');

  if (first.status === 'error' && isNotFound(first.error)) return <NotFound what="category" />;
  return (
    <>
      <div className="catalog-head">
        <h1>{heading}</h1>
        {categories.status === 'ready' && (
          <nav aria-label="Categories" className="filters">
            <ul>
              <li>
                <Link href="/" className="chip" aria-current={category ? undefined : 'page'}>
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
      {first.status === 'loading' && <Loading label="Loading products…" />}
      {first.status === 'error' && <ErrorState error={first.error} onRetry={first.retry} />}
      {first.status === 'ready' && (
        <ProductGrid key={category ?? ''} category={category} initial={first.data.items} initialCursor={first.data.nextCursor} />
      )}
    </>
  );
}

function ProductGrid(props: { category?: string; initial: readonly ProductSummary[]; initialCursor?: string }) {
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
      const page = await getProducts({ category: props.category, cursor, limit: PAGE_SIZE }, abort.current.signal);
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextCursor);
      setMore({ loading: false });
    } catch (error) {
      if (!abort.current.signal.aborted) setMore({ loading: false, error });
    }
  };

  if (items.length === 0) return <p className="state">No products here yet.</p>;
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
