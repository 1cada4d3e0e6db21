// One catalog card. Only the title is a link (one clear link name for screen readers); CSS stretches its
// hit area over the whole card so the photo is clickable too.
import { formatMoney } from '../format.ts';
import { Link } from '../router.tsx';
import type { ProductSummary } from '../types.ts';

/** `level`: the title's heading level (3 under a section's own h2, as on the home page). */
export function ProductCard({ product, eager, level = 2 }: { product: ProductSummary; eager?: boolean; level?: 2 | 3 }) {
  const Title = level === 3 ? 'h3' : 'h2';
  return (
    <li className="card">
      <div className="card-media">
        {product.poster ? (
          <img
            src={product.poster}
            alt={product.title}
            width={800}
            height={800}
            loading={eager ? 'eager' : 'lazy'}
            decoding="async"
          />
        ) : (
          <div className="card-placeholder" aria-hidden="true" />
        )}
      </div>
      <div className="card-body">
        <Title className="card-title">
          <Link href={`/p/${encodeURIComponent(product.slug)}`} className="card-link">
            {product.title}
          </Link>
        </Title>
        <p className="card-price">
          <span className="from">From</span> {formatMoney(product.price, navigator.languages)}
        </p>
      </div>
    </li>
  );
}
