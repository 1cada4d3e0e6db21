// What merchants do with orders after checkout (fulfil with tracking, cancel, refund in part or in full) and what
// customers keep between visits (saved addresses). Every status change is kept in order_history: who moved the
// order, from what, to what and why, so a dispute can be answered from the database alone.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // `refunded` counts refunds requested from the provider (pending ones too), so two refunds can never exceed the
  // total, even when they race.
  await sql`alter table orders add column refunded bigint not null default 0`.execute(db);
  await sql`alter table orders add constraint orders_refunded_check check (refunded >= 0 and refunded <= total)`.execute(db);
  await sql`alter table orders add column carrier text`.execute(db);
  await sql`alter table orders add column tracking_number text`.execute(db);
  await sql`alter table orders add column fulfilled_at timestamptz`.execute(db);
  await sql`alter table orders add column cancelled_at timestamptz`.execute(db);
  // Keyset pages: a customer's orders newest first, the merchant's list filtered by status newest first.
  await sql`create index orders_account_number_idx on orders (account_id, number desc) where account_id is not null`.execute(db);
  await sql`create index orders_status_number_idx on orders (status, number desc)`.execute(db);
  await sql`drop index orders_account_idx`.execute(db);
  // A refund that cancels the order returns its stock when the provider confirms, even if that is after a crash.
  await sql`alter table payments add column cancels_order boolean not null default false`.execute(db);

  await sql`
    create table order_history (
      id bigint generated always as identity primary key,
      order_id text not null references orders(id) on delete cascade,
      from_status text,
      to_status text not null,
      actor text,
      note text,
      at timestamptz not null default clock_timestamp()
    )`.execute(db);
  await sql`create index order_history_order_idx on order_history (order_id, id)`.execute(db);

  await sql`
    create table addresses (
      id text primary key,
      account_id text not null,
      label text not null,
      address jsonb not null,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index addresses_account_idx on addresses (account_id, created_at)`.execute(db);
  // At most one default per account, enforced by the database rather than by hope.
  await sql`create unique index addresses_one_default_idx on addresses (account_id) where is_default`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table addresses`.execute(db);
  await sql`drop table order_history`.execute(db);
  await sql`alter table payments drop column cancels_order`.execute(db);
  await sql`create index orders_account_idx on orders (account_id, created_at desc) where account_id is not null`.execute(db);
  await sql`drop index orders_status_number_idx`.execute(db);
  await sql`drop index orders_account_number_idx`.execute(db);
  for (const c of ['cancelled_at', 'fulfilled_at', 'tracking_number', 'carrier', 'refunded']) {
    await sql`alter table orders drop column ${sql.ref(c)}`.execute(db);
  }
}
