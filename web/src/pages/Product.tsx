// Product page '/p/:slug': live 3D view, option pickers that choose a variant, and that variant's price,
// stock and SKU. The picked variant is kept in ?variant= so a shared link shows the same thing.
import { useMemo } from 'react';
import { getProduct, isNotFound } from '../api.ts';
import { AddToCart } from '../components/AddToCart.tsx';
import { ModelViewer } from '../components/ModelViewer.tsx';
import { OptionPicker } from '../components/OptionPicker.tsx';
import { ErrorState, Loading, NotFound } from '../components/States.tsx';
import { formatDimensions, formatMoney, initialVariant, pickVariant, stockState } from '../format.ts';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import type { ProductDetail } from '../types.ts';
import { useAsync } from '../useAsync.ts';

export function Product({ slug }: { slug: string }) {
  const product = useAsync((signal) => getProduct(slug, signal), [slug]);
  useTitle(product.status === 'ready' ? product.data.title : '');
  if (product.status === 'loading') return <Loading label="Loading product…" />;
  if (product.status === 'error') {
    return isNotFound(product.error) ? <NotFound what="product" /> : <ErrorState error={product.error} onRetry={product.retry} />;
  }
  return <ProductView product={product.data} />;
}

function ProductView({ product }: { product: ProductDetail }) {
  const { pathname, search } = useLocation();
  const wanted = useMemo(() => new URLSearchParams(search).get('variant'), [search]);
  const variant = initialVariant(product, wanted);
  const locales = navigator.languages;

  const pick = (option: string, value: string): void => {
    if (!variant) return;
    const next = pickVariant(product.variants, variant, option, value);
    if (next) navigate(`${pathname}?variant=${encodeURIComponent(next.id)}`, { replace: true });
  };

  const stock = variant ? stockState(variant.stock) : undefined;
  const alt = describe(product, variant?.options);

  return (
    <article className="product" aria-labelledby="product-title">
      <div className="product-media">
        {product.model ? (
          <ModelViewer model={product.model} alt={alt} variantName={variant?.materialVariant} />
        ) : product.poster ? (
          <img className="viewer-fallback" src={product.poster} alt={alt} width={1024} height={1024} />
        ) : null}
        {product.model?.dimensions && (
          <p className="dimensions">
            <span className="label">Size</span> {formatDimensions(product.model.dimensions)}
          </p>
        )}
      </div>

      <div className="product-info">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/">Catalog</Link>
          <span aria-hidden="true"> / </span>
          <Link href={`/c/${encodeURIComponent(product.category)}`}>{humanize(product.category)}</Link>
        </nav>
        <h1 id="product-title">{product.title}</h1>
        <p className="price" data-testid="product-price" aria-live="polite">
          {formatMoney(variant?.price ?? product.price, locales)}
        </p>
        {stock && (
          <p className={`stock stock-${stock.kind}`} data-testid="product-stock">
            {stock.label}
          </p>
        )}

        {product.options.length > 0 && (
          <form className="pickers" aria-label="Choose options" onSubmit={(e) => e.preventDefault()}>
            {product.options.map((o) => (
              <OptionPicker key={o.name} option={o} current={variant} variants={product.variants} onPick={(v) => pick(o.name, v)} />
            ))}
          </form>
        )}
        <AddToCart variant={variant} />
        {variant && (
          <p className="sku">
            SKU <span data-testid="product-sku">{variant.sku}</span>
          </p>
        )}

        <section aria-labelledby="about" className="about">
          <h2 id="about">About this product</h2>
          {product.description.split(/\n{2,}/).map((para, i) => (
            <p key={i}>{para}</p>
          ))}
        </section>
        {product.model && (
          <p className="hint">Drag to turn it, pinch or scroll to zoom. On a phone, tap “View in your space” to place it in your room.</p>
        )}
        {product.credit && <p className="credit">3D model: {product.credit}</p>}
      </div>
    </article>
  );
}

/** Alt text for the 3D view and photo: what the product is and which finish is shown. */
function describe(p: ProductDetail, options?: Readonly<Record<string, string>>): string {
  const picked = options ? Object.entries(options).map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ') : '';
  return `3D model of ${p.title}${picked ? ` in ${picked}` : ''}`;
}

function humanize(slug: string): string {
  return slug.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
