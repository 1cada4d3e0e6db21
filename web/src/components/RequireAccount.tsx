// Pages that need a signed-in account (and, for the merchant's pages, a staff role) render through this.
import type { ReactNode } from 'react';
import { Link, useLocation, useTitle } from '../router.tsx';
import { useSession } from '../stores/session.ts';
import type { Account, Role } from '../types.ts';
import { Loading } from './States.tsx';

export function RequireAccount({ roles, children }: { roles?: readonly Role[]; children: (account: Account) => ReactNode }) {
  const session = useSession();
  const { pathname, search } = useLocation();
  if (session.status === 'unknown') return <Loading label="Checking your session…" />;
  if (session.status === 'guest') {
    return (
      <Refused title={roles ? 'Not allowed' : 'Sign in to see your account'}>
        <p>{roles ? 'This page is for the shop’s staff. Sign in with a merchant account to continue.' : 'Your orders, addresses and password are here once you sign in.'}</p>
        <Link className="button" href={`/account/signin?next=${encodeURIComponent(pathname + search)}`}>
          Sign in
        </Link>
      </Refused>
    );
  }
  if (roles && !roles.includes(session.account.role)) {
    return (
      <Refused title="Not allowed">
        <p>
          You are signed in as {session.account.email}, which is not allowed to see this page. Only merchant and admin accounts manage orders.
        </p>
        <Link className="button" href="/">
          Back to the shop
        </Link>
      </Refused>
    );
  }
  return <>{children(session.account)}</>;
}

function Refused({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title);
  return (
    <section className="narrow" aria-labelledby="refused-title" data-testid="not-allowed">
      <h1 id="refused-title">{title}</h1>
      {children}
    </section>
  );
}
