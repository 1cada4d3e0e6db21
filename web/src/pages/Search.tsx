// Search results for '/search?q=': the header box's Enter lands here (and so does the form without JavaScript).
import { searchProducts } from '../api.ts';
import { ProductCard } from '../components/ProductCard.tsx';
import { searchUrl } from '../components/SearchBox.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { Link, useLocation, useTitle } from '../router.tsx';
import { useAsync } from '../useAsync.ts';

const LIMIT = 20;

export function Search() {
  const { search } = useLocation();
  const q = (new URLSearchParams(search).get('q') ?? '').trim().slice(0, 100);
  useTitle(q ? `Search: ${q}` : 'Search');
  const answer = useAsync((signal) => (q ? searchProducts(q, LIMIT, signal) : Promise.resolve(null)), [q]);

  return (
    <>
      <div className="catalog-head">
        <h1>{q ? `Results for “${q}”` : 'Search'}</h1>
      </div>
      {!q && <p className="state">Type what you are looking for in the search box above: a product, a colour, a material.</p>}
      {answer.status === 'loading' && q && <Loading label="Searching…" />}
      {answer.status === 'error' && <ErrorState error={answer.error} onRetry={answer.retry} />}
      {answer.status === 'ready' && answer.data && (
        <>
          <p className="result-count" role="status" data-testid="result-count">
            {answer.data.items.length === 0
              ? 'No products found'
              : `${answer.data.items.length}${answer.data.items.length === LIMIT ? '+' : ''} ${answer.data.items.length === 1 ? 'product' : 'products'}`}
          </p>
          {answer.data.items.length > 0 ? (
            <ul className="grid" aria-label="Search results">
              {answer.data.items.map((p, i) => (
                <ProductCard key={p.id} product={p} eager={i < 4} />
              ))}
            </ul>
          ) : (
            <div className="state">
              <p>Nothing matches “{q}”.</p>
              {answer.data.suggestion && (
                <p>
                  Did you mean <Link href={searchUrl(answer.data.suggestion)}>{answer.data.suggestion}</Link>?
                </p>
              )}
              <Link className="button" href="/">
                Browse the catalog
              </Link>
            </div>
          )}
        </>
      )}
    </>
  );
}
