// Accounts and access: accounts with a role, log-in sessions, password-reset tokens, log-in throttling counters
// shared by every API instance, and mail (a delivery log for idempotent sending, and the development mailbox).
// Session and reset tokens are stored only as SHA-256 hashes: a copy of this database opens no session.
// Frozen once released: change the schema with a new numbered file.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Emails are stored normalised (domain/accounts.ts normaliseEmail: trimmed, NFC, lower-cased), so the plain unique
  // constraint is case-insensitive. (No `check (email = lower(email))`: Postgres's lower() depends on the locale.)
  await sql`
    create table accounts (
      id uuid primary key,
      email text not null unique check (length(email) <= 254),
      name text check (length(name) <= 200),
      role text not null default 'customer' check (role in ('customer', 'merchant', 'admin')),
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index accounts_staff_idx on accounts (role) where role <> 'customer'`.execute(db);

  await sql`
    create table sessions (
      token_hash text primary key,
      account_id uuid not null references accounts(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  // "Log out everywhere" and "revoke the other sessions" find an account's live sessions here.
  await sql`create index sessions_account_idx on sessions (account_id) where revoked_at is null`.execute(db);
  await sql`create index sessions_expires_idx on sessions (expires_at)`.execute(db);

  await sql`
    create table password_reset_tokens (
      token_hash text primary key,
      account_id uuid not null references accounts(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index password_reset_tokens_account_idx on password_reset_tokens (account_id) where used_at is null`.execute(db);

  // Fixed-window counters (log-in attempts per IP, failures per account, reset mails per address), updated with
  // one atomic upsert so that several API instances share them.
  await sql`
    create table rate_limits (
      bucket text primary key,
      window_start timestamptz not null,
      hits integer not null check (hits >= 0)
    )`.execute(db);
  await sql`create index rate_limits_window_idx on rate_limits (window_start)`.execute(db);

  // One row per message handed to a mail transport, keyed by the job's message key: a retried `mail.send` job
  // whose message already went out does not send it again.
  await sql`
    create table mail_log (
      message_key text primary key,
      transport text not null,
      sent_at timestamptz not null default now()
    )`.execute(db);

  // The development mailbox: with no SMTP_URL, mail is kept here for admins to read (GET /api/admin/mailbox).
  await sql`
    create table dev_mailbox (
      id uuid primary key,
      message_key text not null unique,
      sender text not null,
      recipient text not null,
      subject text not null,
      text_body text not null,
      html_body text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index dev_mailbox_created_idx on dev_mailbox (created_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['dev_mailbox', 'mail_log', 'rate_limits', 'password_reset_tokens', 'sessions', 'accounts']) {
    await sql`drop table ${sql.table(t)}`.execute(db);
  }
}
