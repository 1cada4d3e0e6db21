// Home '/': the shop's front window. The categories as tiles (each with its first product's poster) and the
// featured shelf: each category's first products in the merchant's order, taken in turn (GET /api/featured).
// Everything is one link away: a category, a product, or the whole catalog at '/products'.
import { getCategories, getFeatured } from '../api.ts';
import { ProductCard } from '../components/ProductCard.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { Link, useTitle } from '../router.tsx';
import { useAsync } from '../useAsync.ts';

const FEATURED = 8;

export function Home() {
  useTitle('');
  const categories = useAsync((signal) => getCategories(signal), []);
  const featured = useAsync((signal) => getFeatured(FEATURED, signal), []);

  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">See it in 3D before you buy</h1>
        <p className="lead">Turn every product around, check its real size, and place it in your room from your phone.</p>
        <Link href="/products" className="button">
          Browse all products
        </Link>
      </section>

      <section className="home-section" aria-labelledby="home-categories">
        <h2 id="home-categories">Shop by category</h2>
        {categories.status === 'loading' && <TilesLoading />}
        {categories.status === 'error' && <ErrorState error={categories.error} onRetry={categories.retry} />}
        {categories.status === 'ready' && (
          <ul className="tiles" aria-label="Categories">
            {categories.data.items.map((c) => (
              <li key={c.slug} className="tile">
                {c.poster ? <img src={c.poster} alt="" width={800} height={800} loading="lazy" decoding="async" /> : <div className="card-placeholder" />}
                <Link href={`/c/${encodeURIComponent(c.slug)}`} className="tile-link">
                  {c.name} <span className="count">{c.productCount === 1 ? '1 product' : `${c.productCount} products`}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="home-section" aria-labelledby="home-featured">
        <h2 id="home-featured">Featured</h2>
        {featured.status === 'loading' && <Loading label="Loading products…" />}
        {featured.status === 'error' && <ErrorState error={featured.error} onRetry={featured.retry} />}
        {featured.status === 'ready' && (
          <ul className="grid" aria-label="Featured products">
            {featured.data.items.map((p, i) => (
              <ProductCard key={p.id} product={p} eager={i < 4} level={3} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/**
 * Placeholder tiles the size of the real ones while the categories load, so the featured shelf below does not jump
 * down when they arrive (that jump was 0.12 of Lighthouse's layout-shift score on a phone).
 */
function TilesLoading() {
  return (
    <>
      <p className="visually-hidden" role="status">
        Loading categories…
      </p>
      <ul className="tiles" aria-hidden="true">
        {Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="tile">
            <div className="card-placeholder" />
            <span className="tile-link">&nbsp;</span>
          </li>
        ))}
      </ul>
    </>
  );
}
