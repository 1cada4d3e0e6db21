// Product page '/p/:slug': the poster at once, then the live 3D view (its own chunk, loaded after the poster is up;
// on a touch screen or with Save-Data, only when the shopper asks for it: see View3D),
// option pickers that choose a variant, and that variant's price, stock and SKU; a quantity and "Add to cart".
// The picked variant is kept in ?variant= so a shared link shows the same thing. A model under a licence that asks
// for attribution (CC-BY) has its credit under the view, the licence's name linking to its text.
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { getProduct, isNotFound } from '../api.ts';
import { AddToCart } from '../components/AddToCart.tsx';
import { OptionPicker } from '../components/OptionPicker.tsx';
import { QuantityStepper } from '../components/QuantityStepper.tsx';
import { ErrorState, Loading, NotFound } from '../components/States.tsx';
import { formatMoney, initialVariant, pickVariant, sizeInWords, stockState, type Unit } from '../format.ts';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import type { ModelCredit, ProductDetail } from '../types.ts';
import { useAsync } from '../useAsync.ts';

const ModelViewer = lazy(() => import('../components/ModelViewer.tsx').then((m) => ({ default: m.ModelViewer })));
const Gallery = lazy(() => import('../components/Gallery.tsx').then((m) => ({ default: m.Gallery })));

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
  useViewBeacon(product.slug);
  const wanted = useMemo(() => new URLSearchParams(search).get('variant'), [search]);
  const variant = initialVariant(product, wanted);
  const [quantity, setQuantity] = useState(1);
  const [unit, setUnit] = useUnit();
  const locales = navigator.languages;

  const pick = (option: string, value: string): void => {
    if (!variant) return;
    const next = pickVariant(product.variants, variant, option, value);
    if (next) navigate(`${pathname}?variant=${encodeURIComponent(next.id)}`, { replace: true });
  };

  const stock = variant ? stockState(variant.stock) : undefined;
  const alt = describe(product, variant?.options, unit);
  const model = product.model;
  const poster = model?.poster ?? product.poster;
  const media = product.media ?? [];
  // Without WebGL there is no 3D view: the merchant's first photo stands in for it, the model's poster goes last.
  // Asked only when there are photos, and only when the 3D view would start: at once with a mouse (model-viewer makes
  // a WebGL context then anyway), on a phone when the shopper taps "View in 3D" (a context costs a phone a long task
  // that a shopper who only looks at the poster should not pay for).
  const firstPhoto = Math.max(0, media.findIndex((m) => m.kind === 'image'));
  const [live, setLive] = useState(() => model !== null && (media.length === 0 || !startsByItself() || hasWebGL()));
  // No 3D view (no model, or no WebGL): the first photo is the page's main image.
  const [standIn, setStandIn] = useState(() => (media.length > 0 && !live ? firstPhoto : -1));
  const [shown, setShown] = useState(standIn);
  const noWebGL = (): boolean => {
    if (media.length === 0 || hasWebGL()) return false;
    setLive(false);
    setGalleryNow(true);
    setStandIn(firstPhoto);
    setShown(firstPhoto);
    return true;
  };

  // The gallery's chunk and thumbnails wait for the poster: on a slow phone line they would otherwise share its
  // bandwidth and delay the page's largest paint (its row's height is kept meanwhile, so nothing moves).
  const box = useRef<HTMLDivElement>(null);
  const [galleryNow, setGalleryNow] = useState(standIn !== -1);
  useEffect(() => {
    if (galleryNow || media.length === 0) return;
    const img = box.current?.querySelector('img');
    const go = (): void => setGalleryNow(true);
    if (!img || img.complete) return go();
    img.addEventListener('load', go, { once: true });
    img.addEventListener('error', go, { once: true });
    const timer = setTimeout(go, 3000); // the poster gave way to the 3D view before it loaded
    return () => {
      img.removeEventListener('load', go);
      img.removeEventListener('error', go);
      clearTimeout(timer);
    };
  }, [galleryNow, media.length]);

  return (
    <article className="product" aria-labelledby="product-title">
      <div className="product-media" ref={box}>
        <div hidden={shown !== -1}>
          {model && live ? (
            <View3D poster={poster} alt={alt} noWebGL={noWebGL}>
              <ModelViewer model={model} alt={alt} variantName={variant?.materialVariant} unit={unit} onUnit={setUnit} />
            </View3D>
          ) : (
            poster && <Poster src={poster} alt={alt} />
          )}
        </div>
        {media.length > 0 && !galleryNow && <div className="gallery-thumbs" />}
        {media.length > 0 && galleryNow && (
          // The thumbnails' row keeps its height while the gallery's chunk loads: nothing below it moves.
          <Suspense
            fallback={
              <>
                {shown !== -1 && <div className="viewer" />}
                <div className="gallery-thumbs" />
              </>
            }
          >
            <Gallery media={media} shown={shown} onShow={setShown} title={product.title} model={poster ? { poster, live } : null} eager={standIn} />
          </Suspense>
        )}
        {model?.credit && <Credit credit={model.credit} />}
      </div>

      <div className="product-info">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href="/">Home</Link>
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
        <div className="quantity">
          <label htmlFor="product-quantity">Quantity</label>
          <QuantityStepper id="product-quantity" label="Quantity" value={quantity} onChange={setQuantity} />
        </div>
        <AddToCart variant={variant} quantity={quantity} />
        {variant && (
          <p className="sku">
            SKU <span data-testid="product-sku">{variant.sku}</span>
          </p>
        )}

        <section aria-labelledby="about" className="about">
          <h2 id="about">About this product</h2>
          {product.descriptionHtml !== undefined ? (
            // Sanitised by the API (src/compute/api/markdown.ts): only prose tags and http(s)/mailto links survive.
            <div className="prose" data-testid="product-description" dangerouslySetInnerHTML={{ __html: product.descriptionHtml }} />
          ) : (
            product.description.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)
          )}
        </section>
        {model && (
          <p className="hint">Drag to turn it, pinch or scroll to zoom. On a phone, tap “View in your space” to place it in your room.</p>
        )}
      </div>
    </article>
  );
}

/**
 * Tells the shop a product page was seen, once per page view, for the merchant's funnel: the page itself came from
 * a cache, so the API would never know. A beacon survives the shopper leaving at once and carries nothing but the
 * slug (no cookie is read on the other side). A text/plain body, the only kind a beacon sends without a preflight.
 */
function useViewBeacon(slug: string): void {
  useEffect(() => {
    const body = JSON.stringify({ slug });
    try {
      if (navigator.sendBeacon?.('/api/events/view', body)) return;
    } catch {
      // Fall through to fetch.
    }
    void fetch('/api/events/view', { method: 'POST', body, keepalive: true, headers: { 'content-type': 'text/plain' } }).catch(() => undefined);
  }, [slug]);
}

/**
 * Whether the 3D view starts by itself. On a phone (a coarse pointer) or with Save-Data the poster stays until the
 * shopper taps "View in 3D": model-viewer and the model are over a megabyte and seconds of a phone's CPU (measured by
 * `npm run bench:web`: 2.8 s of blocking time on Lighthouse's mobile profile), which a shopper who only wants the
 * price should not pay for. With a mouse the view starts as soon as the page is up.
 */
function startsByItself(): boolean {
  const saveData = (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
  return !saveData && !matchMedia('(pointer: coarse)').matches;
}

function View3D({ poster, alt, noWebGL, children }: { poster: string | null; alt: string; noWebGL: () => boolean; children: ReactNode }) {
  const [phase, setPhase] = useState<'poster' | 'loading' | 'live'>(() => (startsByItself() ? 'live' : 'poster'));
  const box = useRef<HTMLDivElement>(null);
  // The button stays (as "Loading 3D…") until the model is up, so keyboard and screen-reader users keep their place;
  // then the focus moves into the viewer, where the arrow keys turn the model.
  useEffect(() => {
    if (phase !== 'loading') return;
    let live = true;
    let el: (HTMLElement & { modelIsVisible?: boolean }) | null | undefined;
    const done = (): void => {
      if (!live) return;
      const inner = el?.shadowRoot?.querySelector<HTMLElement>('[tabindex]:not([tabindex="-1"])');
      (inner ?? el)?.focus();
      setPhase('live');
    };
    void customElements.whenDefined('model-viewer').then(() => {
      el = box.current?.querySelector('model-viewer');
      if (!live || !el) return;
      // The viewer takes keyboard focus once its poster is gone (its input layer is inert until then).
      if (el.modelIsVisible) return done();
      el.addEventListener('poster-dismissed', done, { once: true });
      el.addEventListener('error', done, { once: true });
    });
    return () => {
      live = false;
      el?.removeEventListener('poster-dismissed', done);
      el?.removeEventListener('error', done);
    };
  }, [phase]);
  return (
    <div ref={box} className="viewer-slot">
      {phase === 'poster' ? (
        <Poster src={poster} alt={alt} />
      ) : (
        <Suspense fallback={<Poster src={poster} alt={alt} />}>{children}</Suspense>
      )}
      {phase !== 'live' && (
        <button
          type="button"
          className="view-3d"
          aria-disabled={phase === 'loading'}
          onClick={() => !noWebGL() && setPhase((p) => (p === 'poster' ? 'loading' : p))}
        >
          {phase === 'poster' ? 'View in 3D' : 'Loading 3D…'}
        </button>
      )}
    </div>
  );
}

/** Whether this browser can draw WebGL (it may be switched off, or the GPU blocklisted): else no 3D view. */
function hasWebGL(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    gl?.getExtension('WEBGL_lose_context')?.loseContext(); // give the context back at once: browsers allow only a few
    return gl !== null;
  } catch {
    return false;
  }
}

/** The photo in the viewer's frame: what the page shows first, and all it shows when there is no model. */
function Poster({ src, alt }: { src: string | null; alt: string }) {
  return <div className="viewer">{src && <img className="viewer-poster" src={src} alt={alt} width={1024} height={1024} fetchPriority="high" />}</div>;
}

function Credit({ credit }: { credit: ModelCredit }) {
  const url = credit.url && /^https?:\/\//i.test(credit.url) ? credit.url : undefined;
  return (
    <p className="credit" data-testid="model-credit">
      3D model by {credit.author}, licensed under{' '}
      {url ? (
        <a href={url} rel="license noopener noreferrer">
          {credit.licence}
        </a>
      ) : (
        credit.licence
      )}
    </p>
  );
}

const UNIT_KEY = 'vitrine.unit';

/** Centimetres or inches, remembered on this device for the next product. */
function useUnit(): [Unit, (u: Unit) => void] {
  const [unit, setUnit] = useState<Unit>(() => (readUnit() === 'in' ? 'in' : 'cm'));
  const set = (u: Unit): void => {
    setUnit(u);
    try {
      localStorage.setItem(UNIT_KEY, u);
    } catch {
      // storage refused (private mode): the choice lasts for this page
    }
  };
  return [unit, set];
}

function readUnit(): string | null {
  try {
    return localStorage.getItem(UNIT_KEY);
  } catch {
    return null;
  }
}

/** Text alternative for the 3D view and photo: what the product is, which finish is shown, and its size. */
function describe(p: ProductDetail, options: Readonly<Record<string, string>> | undefined, unit: Unit): string {
  const picked = options ? Object.entries(options).map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ') : '';
  const size = p.model?.dimensions ? `, ${sizeInWords(p.model.dimensions, unit, navigator.languages)}` : '';
  return `3D model of ${p.title}${picked ? ` in ${picked}` : ''}${size}`;
}

function humanize(slug: string): string {
  return slug.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
