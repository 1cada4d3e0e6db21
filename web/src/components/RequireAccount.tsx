// Pages that need a signed-in account (and, for the staff's pages, a role: merchant or admin for the order desk,
// admin alone for the shop's operations) render through this.
import type { ReactNode } from 'react';
import { Link, useLocation, useTitle } from '../router.tsx';
import { useSession } from '../stores/session.ts';
import type { Account, Role } from '../types.ts';
import { Loading } from './States.tsx';

export function RequireAccount({ roles, children }: { roles?: readonly Role[]; children: (account: Account) => ReactNode }) {
  const session = useSession();
  const { pathname, search } = useLocation();
  // Pages open to merchants are the order desk; pages only admins may open are the shop's operations.
  const forMerchants = roles?.includes('merchant') ?? false;
  if (session.status === 'unknown') return <Loading label="Checking your session…" />;
  if (session.status === 'guest') {
    return (
      <Refused title={roles ? 'Not allowed' : 'Sign in to see your account'}>
        <p>
          {roles
            ? `This page is for the shop’s staff. Sign in with ${forMerchants ? 'a merchant' : 'an admin'} account to continue.`
            : 'Your orders, addresses and password are here once you sign in.'}
        </p>
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
          You are signed in as {session.account.email}, which is not allowed to see this page.{' '}
          {forMerchants ? 'Only merchant and admin accounts manage orders and products.' : 'Only admin accounts see the shop’s background jobs and mailbox.'}
        </p>
        {session.account.role === 'merchant' ? (
          <Link className="button" href="/admin/orders">
            Back to orders
          </Link>
        ) : (
          <Link className="button" href="/">
            Back to the shop
          </Link>
        )}
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
