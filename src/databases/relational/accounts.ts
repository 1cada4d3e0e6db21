// Accounts, sessions, password-reset tokens and rate-limit counters in Postgres. Plain functions over a Kysely
// handle, so they run on the root handle or inside a caller's transaction. Session and reset tokens are opaque
// random strings handed to the client once; only their SHA-256 is stored, so reading this database (a backup, a
// replica) opens no session and resets no password. Every expiry is computed on the database clock.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { PASSWORD_POLICY_VERSION, type Account, type Role } from '../../domain/accounts.ts';
import type { Database } from './database.ts';

type Db = Kysely<Database>;

/** 32 random bytes, base64url (43 characters): a session or reset token. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
/** What a well-formed token looks like: anything else is refused before it reaches a query. */
export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const inMs = (ms: number) => sql<Date>`now() + ${Math.round(ms)}::bigint * interval '1 millisecond'`;

export interface AccountRecord extends Account {
  readonly passwordHash: string;
}

const accountColumns = ['id', 'email', 'name', 'role', 'password_hash'] as const;
const toAccount = (r: { id: string; email: string; name: string | null; role: Role; password_hash: string }): AccountRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
});

// ---- accounts -------------------------------------------------------------------------------------------------

/** Creates an account; undefined when the (normalised) email is taken. */
export async function insertAccount(
  db: Db,
  a: { email: string; name: string | null; role: Role; passwordHash: string },
): Promise<AccountRecord | undefined> {
  const row = await db
    .insertInto('accounts')
    // Every caller checked the password against the policy first (compute/accounts requireStrong).
    .values({ id: randomUUID(), email: a.email, name: a.name, role: a.role, password_hash: a.passwordHash, password_policy: PASSWORD_POLICY_VERSION })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(accountColumns)
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function accountByEmail(db: Db, email: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').select(accountColumns).where('email', '=', email).executeTakeFirst();
  return row && toAccount(row);
}

export async function accountById(db: Db, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').select(accountColumns).where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

export async function setPasswordHash(db: Db, accountId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ password_hash: passwordHash, password_policy: PASSWORD_POLICY_VERSION, password_changed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', accountId)
    .execute();
}

/** Replaces a stored hash only if it is still the one read (a rehash racing a password change loses). */
export async function upgradePasswordHash(db: Db, accountId: string, oldHash: string, newHash: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: newHash }).where('id', '=', accountId).where('password_hash', '=', oldHash).execute();
}

/** A log-in's plaintext passed the current policy: record it (the advisor stops naming the account). */
export async function markPasswordPolicy(db: Db, accountId: string, version: number): Promise<void> {
  await db.updateTable('accounts').set({ password_policy: version }).where('id', '=', accountId).where((eb) => eb.or([eb('password_policy', 'is', null), eb('password_policy', '<', version)])).execute();
}

/** Merchants and admins whose password was last checked against an older policy (or never). */
export async function staffBelowPasswordPolicy(db: Db, version: number): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '<>', 'customer')
    .where((eb) => eb.or([eb('password_policy', 'is', null), eb('password_policy', '<', version)]))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Sets the role of the account with this email; undefined when there is none. */
export async function setRole(db: Db, email: string, role: Role): Promise<AccountRecord | undefined> {
  const row = await db
    .updateTable('accounts')
    .set({ role, updated_at: sql<Date>`now()` })
    .where('email', '=', email)
    .returning(accountColumns)
    .executeTakeFirst();
  return row && toAccount(row);
}

/** Merchants and admins, by email. */
export async function listStaff(db: Db): Promise<Account[]> {
  const rows = await db.selectFrom('accounts').select(['id', 'email', 'name', 'role']).where('role', '<>', 'customer').orderBy('email').limit(1000).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role }));
}

// ---- sessions -------------------------------------------------------------------------------------------------

export interface SessionRecord {
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly account: Account;
}

/** Opens a session; the returned token goes into the cookie and nowhere else. */
export async function createSession(db: Db, accountId: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const row = await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), account_id: accountId, expires_at: inMs(ttlMs) })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return { token, expiresAt: row.expires_at };
}

/** The live session (not revoked, not expired) this token opens, with its account; undefined otherwise. */
export async function sessionByToken(db: Db, token: string): Promise<SessionRecord | undefined> {
  if (!TOKEN_FORMAT.test(token)) return undefined;
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.token_hash', 's.created_at', 's.expires_at', 'a.id', 'a.email', 'a.name', 'a.role'])
    .where('s.token_hash', '=', hashToken(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    account: { id: row.id, email: row.email, name: row.name, role: row.role },
  };
}

/** Moves a live session's expiry (sliding expiry); false when it ended meanwhile. */
export async function extendSession(db: Db, tokenHash: string, expiresAt: Date): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ expires_at: expiresAt })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function revokeSession(db: Db, tokenHash: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: sql<Date>`now()` }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

/** Revokes every live session of an account (but `exceptTokenHash`); returns how many. */
export async function revokeAccountSessions(db: Db, accountId: string, exceptTokenHash?: string): Promise<number> {
  let q = db.updateTable('sessions').set({ revoked_at: sql<Date>`now()` }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (exceptTokenHash !== undefined) q = q.where('token_hash', '<>', exceptTokenHash);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ---- password-reset tokens ------------------------------------------------------------------------------------

export async function createResetToken(db: Db, accountId: string, ttlMs: number): Promise<{ token: string; tokenHash: string }> {
  const token = newToken();
  const tokenHash = hashToken(token);
  await db.insertInto('password_reset_tokens').values({ token_hash: tokenHash, account_id: accountId, expires_at: inMs(ttlMs) }).execute();
  return { token, tokenHash };
}

/** The account a usable (unused, unexpired) reset token belongs to, without using it up. */
export async function resetTokenAccount(db: Db, token: string): Promise<AccountRecord | undefined> {
  if (!TOKEN_FORMAT.test(token)) return undefined;
  const row = await db
    .selectFrom('password_reset_tokens as t')
    .innerJoin('accounts as a', 'a.id', 't.account_id')
    .select(['a.id', 'a.email', 'a.name', 'a.role', 'a.password_hash'])
    .where('t.token_hash', '=', hashToken(token))
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && toAccount(row);
}

/**
 * Uses a reset token up, in one conditional UPDATE: of two concurrent uses exactly one gets the account id, and
 * an expired or used token gets undefined.
 */
export async function consumeResetToken(db: Db, token: string): Promise<string | undefined> {
  if (!TOKEN_FORMAT.test(token)) return undefined;
  const row = await db
    .updateTable('password_reset_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

/** Makes every outstanding reset link of an account useless (after any password change). */
export async function invalidateResetTokens(db: Db, accountId: string): Promise<void> {
  await db.updateTable('password_reset_tokens').set({ used_at: sql<Date>`now()` }).where('account_id', '=', accountId).where('used_at', 'is', null).execute();
}

// ---- rate limits ----------------------------------------------------------------------------------------------

export interface RateCount {
  /** Hits in the current window, this one included for hit(). */
  readonly hits: number;
  /** Until the window ends. */
  readonly retryAfterMs: number;
}

/**
 * Counts one hit in a fixed window that starts at the bucket's first hit, in one atomic upsert: API instances
 * sharing the database share the count. A window that has ended starts over at this hit.
 */
export async function hitRateLimit(db: Db, bucket: string, windowMs: number): Promise<RateCount> {
  const w = Math.round(windowMs);
  const { rows } = await sql<{ hits: number; retry_ms: number }>`
    insert into rate_limits as r (bucket, window_start, hits) values (${bucket}, now(), 1)
    on conflict (bucket) do update set
      hits = case when r.window_start <= now() - ${w}::bigint * interval '1 millisecond' then 1 else r.hits + 1 end,
      window_start = case when r.window_start <= now() - ${w}::bigint * interval '1 millisecond' then now() else r.window_start end
    returning hits, (extract(epoch from (window_start + ${w}::bigint * interval '1 millisecond') - now()) * 1000)::float8 as retry_ms`.execute(db);
  const r = rows[0];
  return { hits: r?.hits ?? 1, retryAfterMs: Math.max(0, Math.ceil(r?.retry_ms ?? w)) };
}

/** The current window's count without adding to it (0 when the window has ended or never began). */
export async function peekRateLimit(db: Db, bucket: string, windowMs: number): Promise<RateCount> {
  const w = Math.round(windowMs);
  const { rows } = await sql<{ hits: number; retry_ms: number }>`
    select hits, (extract(epoch from (window_start + ${w}::bigint * interval '1 millisecond') - now()) * 1000)::float8 as retry_ms
      from rate_limits
     where bucket = ${bucket} and window_start > now() - ${w}::bigint * interval '1 millisecond'`.execute(db);
  const r = rows[0];
  return r ? { hits: r.hits, retryAfterMs: Math.max(0, Math.ceil(r.retry_ms)) } : { hits: 0, retryAfterMs: 0 };
}

export async function clearRateLimit(db: Db, bucket: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
}

// ---- housekeeping ---------------------------------------------------------------------------------------------

/** Deletes sessions, reset tokens and counters that ended more than a day ago (they can never count again). */
export async function pruneAccessData(db: Db): Promise<void> {
  const dayAgo = sql<Date>`now() - interval '1 day'`;
  await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<', dayAgo), eb('revoked_at', '<', dayAgo)])).execute();
  await db.deleteFrom('password_reset_tokens').where((eb) => eb.or([eb('expires_at', '<', dayAgo), eb('used_at', '<', dayAgo)])).execute();
  await db.deleteFrom('rate_limits').where('window_start', '<', dayAgo).execute();
}
