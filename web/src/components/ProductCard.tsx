// One catalog card. Only the title is a link (one clear link name for screen readers); CSS stretches its
// hit area over the whole card so the photo is clickable too.
import { formatMoney } from '../format.ts';
import { Link } from '../router.tsx';
import type { ProductSummary } from '../types.ts';

export function ProductCard({ product, eager }: { product: ProductSummary; eager?: boolean }) {
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
        <h2 className="card-title">
          <Link href={`/p/${encodeURIComponent(product.slug)}`} className="card-link">
            {product.title}
          </Link>
        </h2>
        <p className="card-price">
          <span className="from">From</span> {formatMoney(product.price, navigator.languages)}
        </p>
      </div>
    </li>
  );
}
