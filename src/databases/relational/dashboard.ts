// The merchant's dashboard over the relational store: product views counted from the storefront's beacon, and
// the figures of sales, top products and the funnel, each one query (one round trip) whatever the range or the
// number of products. A sale is an order in PAID_STATUSES (paid or fulfilled), in the store currency, counted on
// the day it was placed (UTC) at its total less what was refunded of it: the customer list counts the same way,
// so the two pages never disagree. A fully refunded or cancelled order no longer counts.
import { sql, type Kysely } from 'kysely';
import type { DailySales } from '../../domain/dashboard.ts';
import { PAID_STATUSES } from './customers.ts';
import type { Database } from './database.ts';

type Db = Kysely<Database>;

/** One more view of a product today (UTC): an upsert on the day's row, so concurrent views all count. */
export async function recordProductView(db: Db, productId: string): Promise<void> {
  await sql`
    insert into product_views_daily (day, product_id, views)
    values ((now() at time zone 'UTC')::date, ${productId}, 1)
    on conflict (day, product_id) do update set views = product_views_daily.views + 1`.execute(db);
}

export interface DashboardWindow {
  /** Midnight UTC of the first day. */
  readonly from: Date;
  /** That day as 'YYYY-MM-DD'. */
  readonly fromDay: string;
  readonly currency: string;
}

const paidIn = (w: DashboardWindow) =>
  sql`o.created_at >= ${w.from} and o.currency = ${w.currency} and o.status in (${sql.join(PAID_STATUSES.map((s) => sql.lit(s)))})`;

/** Paid orders and revenue per UTC day with any (days without are absent: see domain/dashboard.ts fillDays). */
export async function salesByDay(db: Db, w: DashboardWindow): Promise<DailySales[]> {
  const { rows } = await sql<{ day: string; orders: number; revenue: number }>`
    select to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
           count(*)::int8 as orders,
           coalesce(sum(o.total - o.refunded), 0)::int8 as revenue
    from orders o
    where ${paidIn(w)}
    group by 1
    order by 1`.execute(db);
  return rows.map((r) => ({ day: r.day, orders: Number(r.orders), revenue: Number(r.revenue) }));
}

export interface ProductSales {
  readonly productId: string;
  /** The title on the latest line sold (the catalog's current title is preferred by the caller when it has one). */
  readonly title: string;
  readonly units: number;
  /** Minor units: the lines' totals (refunds are per order, not per line, so they are not taken off here). */
  readonly revenue: number;
}

/** The best-selling products of the window by revenue (then units), at most `limit`. */
export async function topProducts(db: Db, w: DashboardWindow, limit: number): Promise<ProductSales[]> {
  const { rows } = await sql<{ product_id: string; title: string; units: number; revenue: number }>`
    select l.product_id,
           (array_agg(l.title order by o.created_at desc))[1] as title,
           sum(l.quantity)::int8 as units,
           sum(l.total)::int8 as revenue
    from orders o
    join order_lines l on l.order_id = o.id
    where ${paidIn(w)}
    group by l.product_id
    order by revenue desc, units desc, l.product_id
    limit ${limit}`.execute(db);
  return rows.map((r) => ({ productId: r.product_id, title: r.title, units: Number(r.units), revenue: Number(r.revenue) }));
}

export interface Funnel {
  /** Product page views (the storefront's beacon). */
  readonly views: number;
  /**
   * Carts a product was put in during the window: carts with a line added then, and carts that became an order
   * then (checkout empties the cart, so its lines are gone by now). A line the shopper removed again is not seen.
   */
  readonly carts: number;
  /** Paid orders placed in the window (the sales chart's count). */
  readonly orders: number;
}

export async function funnel(db: Db, w: DashboardWindow): Promise<Funnel> {
  const { rows } = await sql<{ views: number; carts: number; orders: number }>`
    select
      (select coalesce(sum(v.views), 0)::int8 from product_views_daily v where v.day >= ${w.fromDay}::date) as views,
      (select count(distinct c.cart_id)::int8 from (
         select cl.cart_id from cart_lines cl where cl.added_at >= ${w.from}
         union all
         select co.cart_id from orders co where co.created_at >= ${w.from} and co.cart_id is not null
       ) c) as carts,
      (select count(*)::int8 from orders o where ${paidIn(w)}) as orders`.execute(db);
  const r = rows[0]!;
  return { views: Number(r.views), carts: Number(r.carts), orders: Number(r.orders) };
}
