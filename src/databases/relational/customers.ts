// The merchant's view of customer accounts: a searchable list with each account's paid orders and spend, and one
// account's detail. Only accounts: a guest who checked out without signing up has orders (with an email) but no
// account, and is not listed here (the order desk finds those by email). Never reads the password hash or sessions.
import { sql, type Kysely } from 'kysely';
import type { Role } from '../../domain/accounts.ts';
import type { Database } from './database.ts';

type Db = Kysely<Database>;

/**
 * The statuses of an order whose payment stands: paid, or paid and shipped. A partial refund keeps the status and
 * is subtracted from the spend; a full refund or a cancellation moves the order out of these and out of the count.
 */
export const PAID_STATUSES = ['paid', 'fulfilled'] as const;

export interface CustomerSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: Role;
  readonly createdAt: Date;
  readonly paidOrders: number;
  /** Minor units of `currency`: paid orders' totals less what was refunded of them. */
  readonly spent: number;
  readonly currency: string;
  /** The latest order placed, whatever became of it; null when none. */
  readonly lastOrderAt: Date | null;
}

export interface CustomerQuery {
  readonly role: Role;
  /** Case-insensitive substring of the email or the name. */
  readonly text?: string;
  readonly limit: number;
  /** The id of the last account of the previous page. */
  readonly after?: string;
  /** Spend is summed in the store's currency; orders in another (before a currency change) are not added in. */
  readonly currency: string;
}

const likeOf = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Accounts with their figures: the per-account numbers come from a lateral subquery over that account's orders
 * (orders_account_idx), so a page of any size is one query and one round trip. List and detail share it, so their
 * figures cannot disagree.
 */
function withFigures(db: Db, currency: string) {
  const paid = sql`o.status in (${sql.join(PAID_STATUSES.map((s) => sql.lit(s)))}) and o.currency = ${currency}`;
  return db
    .selectFrom('accounts as a')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('orders as o')
          .select([
            sql<number>`(count(*) filter (where ${paid}))::int`.as('paid_orders'),
            sql<number>`coalesce(sum(o.total - o.refunded) filter (where ${paid}), 0)::int8`.as('spent'),
            sql<Date | null>`max(o.created_at)`.as('last_order_at'),
          ])
          // orders.account_id is text (a guest's is null); the cast is on the account's side, so the index still serves.
          .where(sql<boolean>`o.account_id = a.id::text`)
          .as('s'),
      (join) => join.onTrue(),
    )
    .select(['a.id', 'a.email', 'a.name', 'a.role', 'a.created_at', 's.paid_orders', 's.spent', 's.last_order_at']);
}

type FigureRow = { id: string; email: string; name: string | null; role: Role; created_at: Date; paid_orders: number | null; spent: number | null; last_order_at: Date | null };

const summary = (r: FigureRow, currency: string): CustomerSummary => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  // int8 and a lateral left join: read defensively as numbers, never null.
  paidOrders: Number(r.paid_orders ?? 0),
  spent: Number(r.spent ?? 0),
  currency,
  lastOrderAt: r.last_order_at ?? null,
});

/**
 * One page of accounts of a role, newest first. The keyset is (created_at, id), read from the cursor account's own
 * row, so its microseconds never pass through a JS Date (which would skip or repeat accounts created in the same ms).
 */
export async function listCustomers(db: Db, q: CustomerQuery): Promise<{ items: CustomerSummary[]; nextAfter: string | null }> {
  let query = withFigures(db, q.currency).where('a.role', '=', q.role).orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(q.limit + 1);
  const text = q.text?.trim();
  if (text) {
    const like = likeOf(text);
    query = query.where((eb) => eb.or([eb('a.email', 'ilike', like), eb('a.name', 'ilike', like)]));
  }
  if (q.after !== undefined) {
    // An unknown cursor has no row to compare with: an empty page, never the first page again.
    query = query.where(sql<boolean>`(a.created_at, a.id) < (select c.created_at, c.id from accounts c where c.id = ${q.after})`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  return { items: page.map((r) => summary(r, q.currency)), nextAfter: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/** One customer account with its figures; undefined for an unknown id and for a staff account. */
export async function getCustomer(db: Db, id: string, currency: string): Promise<CustomerSummary | undefined> {
  const r = await withFigures(db, currency).where('a.id', '=', id).where('a.role', '=', 'customer').executeTakeFirst();
  return r && summary(r, currency);
}
