// The merchant's dashboard (databases/relational/dashboard.ts). Product pages are cached (the response cache and
// CloudFront), so a view never reaches a query: the storefront reports it with a beacon, counted here per UTC day
// and product by an upsert (one row per product a day, whatever the traffic; no visitor data at all). The two
// indexes serve the dashboard's date ranges: orders placed since a day, cart lines added since a day.
// Frozen once released: change the schema with a new numbered file.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table product_views_daily (
      day date not null,
      product_id text not null,
      views bigint not null check (views >= 0),
      primary key (day, product_id)
    )`.execute(db);
  await sql`create index orders_created_idx on orders (created_at)`.execute(db);
  await sql`create index cart_lines_added_idx on cart_lines (added_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cart_lines_added_idx`.execute(db);
  await sql`drop index orders_created_idx`.execute(db);
  await sql`drop table product_views_daily`.execute(db);
}
