// The header's right side: the admin link for staff, the account (or "Sign in") and the cart button that opens the drawer.
import { useState } from 'react';
import { errorMessage } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { cartStore, useCart } from '../stores/cart.ts';
import { sessionStore, useSession } from '../stores/session.ts';

export function HeaderNav() {
  const session = useSession();
  const { pathname } = useLocation();
  const { cart, open } = useCart();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const count = cart?.itemCount ?? 0;

  const signOut = async (): Promise<void> => {
    setSignOutError(null);
    try {
      await sessionStore.signOut();
      navigate('/');
    } catch (err) {
      setSignOutError(errorMessage(err));
    }
  };

  return (
    <nav className="header-nav" aria-label="Account and cart">
      {session.status === 'signed-in' && (
        <>
          {session.account.role !== 'customer' && (
            // The staff's way in: the dashboard, then the admin's own navigation (orders, products, and for admins operations).
            <Link href="/admin" className="nav-link" aria-current={pathname === '/admin' || pathname.startsWith('/admin/') ? 'true' : undefined}>
              Admin
            </Link>
          )}
          {/* A long address is cut short on narrow screens (CSS ellipsis); the title and screen readers get it whole. */}
          <Link href="/account" className="nav-link" title={`Your account (${session.account.email})`}>
            <span className="account-email" data-testid="account-email">
              {session.account.email}
            </span>
          </Link>
          <button type="button" className="nav-link link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </>
      )}
      {session.status === 'guest' && (
        <Link href="/account/signin" className="nav-link">
          Sign in
        </Link>
      )}
      {signOutError && (
        <span className="nav-error" role="alert">
          {signOutError}
        </span>
      )}
      <button type="button" className="cart-button" aria-haspopup="dialog" aria-expanded={open} onClick={() => cartStore.open()} data-testid="cart-button">
        Cart ({count})
      </button>
    </nav>
  );
}
