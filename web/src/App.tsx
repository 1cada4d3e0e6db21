// Page chrome (landmarks, skip link, header with account and cart) around the routed page.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { HeaderNav } from './components/HeaderNav.tsx';
import { SearchBox } from './components/SearchBox.tsx';
import { RequireAccount } from './components/RequireAccount.tsx';
import { Loading, NotFound } from './components/States.tsx';
import { Catalog } from './pages/Catalog.tsx';
import { Home } from './pages/Home.tsx';
import { Product } from './pages/Product.tsx';
import { Link, matchRoute, useLocation, type Route } from './router.tsx';
import { cartStore, useCart } from './stores/cart.ts';
import { sessionStore } from './stores/session.ts';

// Browsing (home, catalog, product, cart) is in the first bundle (the product page's 3D view is a chunk of its own); the rest loads on demand, and the merchant's pages
// never reach shoppers at all.
// The cart drawer loads the first time it opens (a tap on the cart or "Add to cart"), then stays mounted so it can
// give the focus back to what opened it.
const CartDrawer = lazy(() => import('./components/CartDrawer.tsx').then((m) => ({ default: m.CartDrawer })));
const Search = lazy(() => import('./pages/Search.tsx').then((m) => ({ default: m.Search })));
const Checkout = lazy(() => import('./pages/Checkout.tsx').then((m) => ({ default: m.Checkout })));
const Order = lazy(() => import('./pages/Order.tsx').then((m) => ({ default: m.Order })));
const SignIn = lazy(() => import('./pages/SignIn.tsx').then((m) => ({ default: m.SignIn })));
const Account = lazy(() => import('./pages/Account.tsx').then((m) => ({ default: m.Account })));
// The dashboard's chunk carries chart.js: staff only ever download it.
const AdminDashboard = lazy(() => import('./pages/admin/AdminDashboard.tsx').then((m) => ({ default: m.AdminDashboard })));
const AdminOrders = lazy(() => import('./pages/admin/AdminOrders.tsx').then((m) => ({ default: m.AdminOrders })));
const AdminOrder = lazy(() => import('./pages/admin/AdminOrder.tsx').then((m) => ({ default: m.AdminOrder })));
const AdminCustomers = lazy(() => import('./pages/admin/AdminCustomers.tsx').then((m) => ({ default: m.AdminCustomers })));
const AdminCustomer = lazy(() => import('./pages/admin/AdminCustomer.tsx').then((m) => ({ default: m.AdminCustomer })));
const AdminProducts = lazy(() => import('./pages/admin/AdminProducts.tsx').then((m) => ({ default: m.AdminProducts })));
const AdminProductNew = lazy(() => import('./pages/admin/AdminProductNew.tsx').then((m) => ({ default: m.AdminProductNew })));
const AdminProduct = lazy(() => import('./pages/admin/AdminProduct.tsx').then((m) => ({ default: m.AdminProduct })));
const AdminJobs = lazy(() => import('./pages/admin/AdminJobs.tsx').then((m) => ({ default: m.AdminJobs })));
const AdminMailbox = lazy(() => import('./pages/admin/AdminMailbox.tsx').then((m) => ({ default: m.AdminMailbox })));
const AdminAdvisor = lazy(() => import('./pages/admin/AdminAdvisor.tsx').then((m) => ({ default: m.AdminAdvisor })));
const ModelPanel = lazy(() => import('./pages/admin/ModelPanel.tsx').then((m) => ({ default: m.ModelPanel })));
const STAFF = ['merchant', 'admin'] as const;
// The shop's operations (background jobs, the development mailbox): the jobs:manage and mailbox:read permissions.
const ADMIN = ['admin'] as const;

export function App() {
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);

  useEffect(() => {
    void sessionStore.load();
    void cartStore.refresh();
  }, []);

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
            {/* The letter comes from CSS with an empty alternative, so the link's name is exactly its label. */}
            <span className="brand-mark" aria-hidden="true" />
            Vitrine
          </Link>
          <p className="tagline">See it in 3D. Place it in your room.</p>
          {/* The merchant's pages have their own (order) search: the shop's product search would only compete with it. */}
          {!isAdminPath(pathname) && <SearchBox />}
          <HeaderNav />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="wrap">
        <Suspense fallback={<Loading label="Loading…" />}>
          <Page route={route} />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="wrap">
          <p>Vitrine — an open-source 3D storefront.</p>
        </div>
      </footer>
      <LazyCartDrawer />
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'catalog':
      return <Catalog category={route.category} />;
    case 'product':
      return <Product key={route.slug} slug={route.slug} />;
    case 'search':
      return <Search />;
    case 'checkout':
      return <Checkout />;
    case 'order':
      return <Order key={route.id} id={route.id} />;
    case 'signin':
    case 'signup':
      return <SignIn key={route.name} mode={route.name} />;
    case 'account':
      return <Account />;
    case 'admin-dashboard':
      return <RequireAccount roles={STAFF}>{() => <AdminDashboard />}</RequireAccount>;
    case 'admin-orders':
    case 'admin-order':
      return (
        <RequireAccount roles={STAFF}>
          {() => (route.name === 'admin-orders' ? <AdminOrders /> : <AdminOrder key={route.id} id={route.id} />)}
        </RequireAccount>
      );
    case 'admin-customers':
      return <RequireAccount roles={STAFF}>{() => <AdminCustomers />}</RequireAccount>;
    case 'admin-customer':
      return <RequireAccount roles={STAFF}>{() => <AdminCustomer key={route.id} id={route.id} />}</RequireAccount>;
    case 'admin-products':
      return <RequireAccount roles={STAFF}>{() => <AdminProducts />}</RequireAccount>;
    case 'admin-product-new':
      return <RequireAccount roles={STAFF}>{() => <AdminProductNew />}</RequireAccount>;
    case 'admin-product':
      return <RequireAccount roles={STAFF}>{() => <AdminProduct key={route.id} id={route.id} />}</RequireAccount>;
    case 'admin-product-model':
      return <RequireAccount roles={STAFF}>{() => <ModelPanel key={route.id} productId={route.id} />}</RequireAccount>;
    case 'admin-jobs':
      return <RequireAccount roles={ADMIN}>{() => <AdminJobs />}</RequireAccount>;
    case 'admin-mailbox':
      return <RequireAccount roles={ADMIN}>{() => <AdminMailbox />}</RequireAccount>;
    case 'admin-advisor':
      return <RequireAccount roles={ADMIN}>{() => <AdminAdvisor />}</RequireAccount>;
    case 'not-found':
      return <NotFound />;
  }
}

function LazyCartDrawer() {
  const { open } = useCart();
  const [wanted, setWanted] = useState(open);
  useEffect(() => {
    if (open) setWanted(true);
  }, [open]);
  return wanted || open ? (
    <Suspense fallback={null}>
      <CartDrawer />
    </Suspense>
  ) : null;
}

const isAdminPath = (pathname: string): boolean => pathname === '/admin' || pathname.startsWith('/admin/');
