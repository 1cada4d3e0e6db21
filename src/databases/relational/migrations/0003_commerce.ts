// Carts, orders, payments, idempotency keys and the outbox: the transactional core of the shop.
// Money columns are integer minor units (bigint for totals); no floating point anywhere.
// account_id columns carry no foreign key on purpose: guest carts and orders have none, and accounts are
// erased on request (GDPR) while orders must be kept for accounting.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table carts (
      id text primary key,
      account_id text unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table cart_lines (
      cart_id text not null references carts(id) on delete cascade,
      variant_id text not null,
      product_id text not null,
      quantity integer not null check (quantity between 1 and 99),
      added_at timestamptz not null default clock_timestamp(),
      primary key (cart_id, variant_id)
    )`.execute(db);

  await sql`
    create table orders (
      id text primary key,
      number bigint generated always as identity unique,
      account_id text,
      cart_id text,
      email text not null,
      status text not null check (status in ('pending_payment','paid','payment_failed','fulfilled','cancelled','refunded')),
      currency text not null,
      subtotal bigint not null check (subtotal >= 0),
      shipping bigint not null check (shipping >= 0),
      tax bigint not null check (tax >= 0),
      tax_inclusive boolean not null,
      total bigint not null check (total >= 0),
      shipping_method text not null,
      shipping_address jsonb not null,
      payment_provider text not null,
      payment_ref text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index orders_account_idx on orders (account_id, created_at desc) where account_id is not null`.execute(db);
  await sql`
    create table order_lines (
      order_id text not null references orders(id) on delete cascade,
      line_no integer not null,
      variant_id text not null,
      product_id text not null,
      sku text not null,
      title text not null,
      options jsonb not null,
      quantity integer not null check (quantity between 1 and 99),
      unit_price bigint not null check (unit_price >= 0),
      total bigint not null check (total >= 0),
      primary key (order_id, line_no)
    )`.execute(db);
  await sql`
    create table payments (
      id text primary key,
      order_id text not null references orders(id),
      provider text not null,
      provider_ref text,
      kind text not null check (kind in ('charge','refund')),
      status text not null,
      amount bigint not null check (amount >= 0),
      currency text not null,
      detail text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index payments_order_idx on payments (order_id)`.execute(db);

  // A retried request with the same Idempotency-Key gets the first answer; scope keeps shoppers' keys apart.
  await sql`
    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      status text not null check (status in ('in_progress','done')),
      response_status integer,
      response_body jsonb,
      created_at timestamptz not null default now(),
      primary key (scope, key)
    )`.execute(db);

  // Events written in the same transaction as the change they announce, relayed to the queue afterwards.
  await sql`
    create table outbox (
      id uuid primary key,
      topic text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`.execute(db);
  await sql`create index outbox_unpublished_idx on outbox (created_at) where published_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['outbox', 'idempotency_keys', 'payments', 'order_lines', 'orders', 'cart_lines', 'carts']) {
    await sql`drop table ${sql.table(t)}`.execute(db);
  }
}
