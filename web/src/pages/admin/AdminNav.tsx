// The admin pages' own navigation: the Dashboard (the landing page), Orders, Customers and Products for every staff account; Jobs, Mailbox and Advisor only for admins (the
// jobs:manage, mailbox:read and advisor:read permissions of src/domain/accounts.ts). Lives with the admin chunks, never in the
// shoppers' bundle.
import { Link } from '../../router.tsx';
import { useSession } from '../../stores/session.ts';

export type AdminSection = 'dashboard' | 'orders' | 'customers' | 'products' | 'jobs' | 'mailbox' | 'advisor';

const SECTIONS: readonly { readonly id: AdminSection; readonly href: string; readonly label: string; readonly adminOnly: boolean }[] = [
  { id: 'dashboard', href: '/admin', label: 'Dashboard', adminOnly: false },
  { id: 'orders', href: '/admin/orders', label: 'Orders', adminOnly: false },
  { id: 'customers', href: '/admin/customers', label: 'Customers', adminOnly: false },
  { id: 'products', href: '/admin/products', label: 'Products', adminOnly: false },
  { id: 'jobs', href: '/admin/jobs', label: 'Jobs', adminOnly: true },
  { id: 'mailbox', href: '/admin/mailbox', label: 'Mailbox', adminOnly: true },
  { id: 'advisor', href: '/admin/advisor', label: 'Advisor', adminOnly: true },
];

/** `exact`: the page is the section's own page (aria-current="page"), not one inside it (an order: "true"). */
/** No `current`: a page outside these sections (a product's 3D model). */
export function AdminNav({ current, exact = true }: { current?: AdminSection; exact?: boolean }) {
  const session = useSession();
  const isAdmin = session.status === 'signed-in' && session.account.role === 'admin';
  const shown = SECTIONS.filter((s) => isAdmin || !s.adminOnly);
  return (
    <nav className="admin-nav" aria-label="Admin sections">
      <ul>
        {shown.map((s) => (
          <li key={s.id}>
            <Link href={s.href} className="chip" aria-current={s.id === current ? (exact ? 'page' : 'true') : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
