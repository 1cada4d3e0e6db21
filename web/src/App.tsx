// Page chrome (landmarks, skip link) around the routed page.
import { useEffect, useRef } from 'react';
import { Catalog } from './pages/Catalog.tsx';
import { Product } from './pages/Product.tsx';
import { NotFound } from './components/States.tsx';
import { Link, matchRoute, useLocation } from './router.tsx';

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  // After in-app navigation, move focus to the new page so screen readers and keyboards start there.
  useEffect(() => {
    if (pathname !== firstPath.current) main.current?.focus({ preventScroll: true });
  }, [pathname]);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="wrap header-row">
          <Link href="/" className="brand" aria-label="Vitrine home">
            <span className="brand-mark" aria-hidden="true">V</span>
            Vitrine
          </Link>
          <p className="tagline">See it in 3D. Place it in your room.</p>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="wrap">
        {route.name === 'catalog' && <Catalog category={route.category} />}
        {route.name === 'product' && <Product key={route.slug} slug={route.slug} />}
        {route.name === 'not-found' && <NotFound />}
      </main>
      <footer className="site-footer">
        <div className="wrap">
          <p>Vitrine — an open-source 3D storefront.</p>
        </div>
      </footer>
    </>
  );
}
