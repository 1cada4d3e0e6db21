// A tiny History-API router: a dozen fixed routes do not justify a dependency.
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'catalog'; readonly category?: string }
  | { readonly name: 'product'; readonly slug: string }
  | { readonly name: 'search' }
  | { readonly name: 'checkout' }
  | { readonly name: 'order'; readonly id: string }
  | { readonly name: 'signin' }
  | { readonly name: 'signup' }
  | { readonly name: 'account' }
  | { readonly name: 'admin-dashboard' }
  | { readonly name: 'admin-orders' }
  | { readonly name: 'admin-order'; readonly id: string }
  | { readonly name: 'admin-customers' }
  | { readonly name: 'admin-customer'; readonly id: string }
  | { readonly name: 'admin-products' }
  | { readonly name: 'admin-product-new' }
  | { readonly name: 'admin-product'; readonly id: string }
  | { readonly name: 'admin-jobs' }
  | { readonly name: 'admin-mailbox' }
  | { readonly name: 'admin-advisor' }
  | { readonly name: 'admin-product-model'; readonly id: string }
  | { readonly name: 'not-found' };

const FIXED: Readonly<Record<string, Route>> = {
  '/products': { name: 'catalog' },
  '/search': { name: 'search' },
  '/checkout': { name: 'checkout' },
  '/account': { name: 'account' },
  '/account/signin': { name: 'signin' },
  '/account/signup': { name: 'signup' },
  '/admin': { name: 'admin-dashboard' },
  '/admin/orders': { name: 'admin-orders' },
  '/admin/customers': { name: 'admin-customers' },
  '/admin/products': { name: 'admin-products' },
  '/admin/products/new': { name: 'admin-product-new' },
  '/admin/jobs': { name: 'admin-jobs' },
  '/admin/mailbox': { name: 'admin-mailbox' },
  '/admin/advisor': { name: 'admin-advisor' },
};

export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const c = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (c) return { name: 'catalog', category: safeDecode(c[1]!) };
  const p = /^\/p\/([^/]+)\/?$/.exec(pathname);
  if (p) return { name: 'product', slug: safeDecode(p[1]!) };
  const fixed = FIXED[pathname.replace(/(.)\/$/, '$1')];
  if (fixed) return fixed;
  const o = /^\/orders\/([^/]+)\/?$/.exec(pathname);
  if (o) return { name: 'order', id: safeDecode(o[1]!) };
  const m = /^\/admin\/products\/([^/]+)\/model\/?$/.exec(pathname);
  if (m) return { name: 'admin-product-model', id: safeDecode(m[1]!) };
  const a = /^\/admin\/orders\/([^/]+)\/?$/.exec(pathname);
  if (a) return { name: 'admin-order', id: safeDecode(a[1]!) };
  const ac = /^\/admin\/customers\/([^/]+)\/?$/.exec(pathname);
  if (ac) return { name: 'admin-customer', id: safeDecode(ac[1]!) };
  const ap = /^\/admin\/products\/([^/]+)\/?$/.exec(pathname);
  if (ap) return { name: 'admin-product', id: safeDecode(ap[1]!) };
  return { name: 'not-found' };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((l) => l());
function subscribe(l: () => void): () => void {
  listeners.add(l);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(l);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

/** The current URL's path + search, re-rendering on navigation. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => location.pathname + location.search);
  const q = href.indexOf('?');
  return q < 0 ? { pathname: href, search: '' } : { pathname: href.slice(0, q), search: href.slice(q) };
}

/** `scroll: false` keeps the scroll position of a new history entry (a filter ticked half-way down the page). */
export function navigate(to: string, opts: { replace?: boolean; scroll?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
  if (!opts.replace && opts.scroll !== false) window.scrollTo(0, 0);
}

/** An <a> that navigates in-app on a plain left click and behaves natively otherwise (new tab, etc.). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}

/** Sets document.title while a page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Vitrine` : 'Vitrine';
  }, [title]);
}
