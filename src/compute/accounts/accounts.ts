// The account use cases: sign up, log in and out, change or reset a password, grant staff roles. Each receives its
// ports (the relational handle, the job queue) and returns a result or throws an AccessError whose code the HTTP
// layer maps to a status. The rules themselves (password policy, permissions, email form) are in domain/accounts.ts.
//
// Throttling lives in Postgres (`rate_limits`), so every API instance shares it:
//   - attempts per client IP: LOGIN_RATE_LIMIT per minute for log-in, sign-up and reset requests (each its own count);
//   - failed log-ins per address: LOGIN_MAX_FAILURES per 15 minutes, counted for addresses with and without an
//     account alike; once reached, even the right password is refused until the window ends (429 + Retry-After).
//     Anyone can thus lock an account for 15 minutes; the reset link still works, and that is the usual price of
//     stopping online guessing.
import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.ts';
import {
  LOGIN_FAILURE_WINDOW_MS,
  LOGIN_IP_WINDOW_MS,
  PASSWORD_POLICY_VERSION,
  RESET_MAILS_PER_WINDOW,
  RESET_TOKEN_TTL_MS,
  normaliseEmail,
  passwordProblems,
  type Account,
  type Role,
} from '../../domain/accounts.ts';
import {
  accountByEmail,
  accountById,
  clearRateLimit,
  consumeResetToken,
  createResetToken,
  createSession,
  hitRateLimit,
  insertAccount,
  invalidateResetTokens,
  markPasswordPolicy,
  peekRateLimit,
  pruneAccessData,
  resetTokenAccount,
  revokeAccountSessions,
  revokeSession,
  setPasswordHash,
  setRole,
  upgradePasswordHash,
} from '../../databases/relational/accounts.ts';
import { recordAudit, type Actor } from '../../databases/relational/audit.ts';
import type { Database } from '../../databases/relational/database.ts';
import { enqueueMail } from '../handlers/send-mail.ts';
import { shopDetails } from '../mail/shop.ts';
import { passwordResetMail } from '../mail/templates/password-reset.ts';
import { welcomeMail } from '../mail/templates/welcome.ts';
import type { JobQueue } from '../queue/queue.ts';
import { hashPassword, needsRehash, verifyPassword } from './passwords.ts';

export type AccessErrorCode =
  | 'EMAIL_TAKEN'
  | 'INVALID_CREDENTIALS'
  | 'WRONG_PASSWORD'
  | 'WEAK_PASSWORD'
  | 'RATE_LIMITED'
  | 'INVALID_TOKEN'
  | 'NOT_FOUND'
  | 'CONFLICT';

export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string,
    /** For RATE_LIMITED: how long until a new attempt can succeed. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface AccessSettings {
  readonly sessionTtlMs: number;
  /** Attempts per client IP per minute (log-in, sign-up and reset requests, each counted apart). */
  readonly ipRateLimit: number;
  /** Failed log-ins per address per LOGIN_FAILURE_WINDOW_MS. */
  readonly maxFailures: number;
  /** The shop's public base URL for links in mail, without a trailing slash. */
  readonly publicUrl: string;
  /** Shown in mail: MAIL_FROM's display name, else "Vitrine". */
  readonly shopName: string;
}

export function accessSettings(config: Pick<Config, 'SESSION_TTL_HOURS' | 'LOGIN_RATE_LIMIT' | 'LOGIN_MAX_FAILURES' | 'PUBLIC_URL' | 'PORT' | 'MAIL_FROM'>): AccessSettings {
  const shop = shopDetails(config);
  return {
    sessionTtlMs: config.SESSION_TTL_HOURS * 60 * 60 * 1000,
    ipRateLimit: config.LOGIN_RATE_LIMIT,
    maxFailures: config.LOGIN_MAX_FAILURES,
    publicUrl: shop.shopUrl,
    shopName: shop.shopName,
  };
}

export interface AccessDeps {
  readonly db: Kysely<Database>;
  readonly queue: JobQueue;
  readonly settings: AccessSettings;
  /** Failures that must not fail the request (a welcome mail not queued, housekeeping). */
  readonly warn: (err: unknown, message: string) => void;
}

export interface NewSession {
  readonly account: Account;
  readonly token: string;
  readonly expiresAt: Date;
}

const publicAccount = (a: Account): Account => ({ id: a.id, email: a.email, name: a.name, role: a.role });
const INVALID_CREDENTIALS = 'Email or password is incorrect';

/** Throws WEAK_PASSWORD listing every problem (domain/accounts.ts passwordProblems). */
export function requireStrong(password: string, email: string, field: string): void {
  const problems = passwordProblems(password, email, field);
  if (problems.length > 0) throw new AccessError('WEAK_PASSWORD', problems.join('; '));
}

/** Counts one attempt from `ip` against `what`'s per-minute budget; throws RATE_LIMITED past it. */
async function throttleIp(deps: AccessDeps, what: string, ip: string): Promise<void> {
  const { hits, retryAfterMs } = await hitRateLimit(deps.db, `${what}-ip:${ip}`, LOGIN_IP_WINDOW_MS);
  if (hits > deps.settings.ipRateLimit) {
    throw new AccessError('RATE_LIMITED', `Too many attempts from your network; try again in ${seconds(retryAfterMs)} seconds`, retryAfterMs);
  }
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));
const failureBucket = (email: string): string => `login-failures:${email}`;

async function refuseIfLocked(deps: AccessDeps, email: string): Promise<void> {
  const { hits, retryAfterMs } = await peekRateLimit(deps.db, failureBucket(email), LOGIN_FAILURE_WINDOW_MS);
  if (hits >= deps.settings.maxFailures) {
    throw new AccessError('RATE_LIMITED', `Too many failed attempts for this account; try again in ${seconds(retryAfterMs)} seconds or reset the password`, retryAfterMs);
  }
}

// ---- sign-up and log-in ---------------------------------------------------------------------------------------

/** Creates a customer account and opens its session (the session this browser had, `previousTokenHash`, ends). */
export async function signUp(deps: AccessDeps, input: { email: string; password: string; name?: string }, ip: string, previousTokenHash?: string): Promise<NewSession> {
  await throttleIp(deps, 'signup', ip);
  const email = normaliseEmail(input.email);
  requireStrong(input.password, email, 'password');
  const account = await insertAccount(deps.db, { email, name: input.name?.trim() || null, role: 'customer', passwordHash: await hashPassword(input.password) });
  if (!account) throw new AccessError('EMAIL_TAKEN', 'email: an account with this address exists; log in or reset its password');
  if (previousTokenHash !== undefined) await revokeSession(deps.db, previousTokenHash);
  const session = await createSession(deps.db, account.id, deps.settings.sessionTtlMs);
  const { shopName, publicUrl } = deps.settings;
  await enqueueMail(deps.queue, `welcome:${account.id}`, account.email, welcomeMail({ shopName, name: account.name, shopUrl: `${publicUrl}/` })).catch((err: unknown) =>
    deps.warn(err, 'welcome mail not queued'),
  );
  return { account: publicAccount(account), ...session };
}

/**
 * Checks an address and password and opens a new session (a fresh token: a session id planted before log-in is
 * worth nothing). `previousTokenHash`, the session this browser had, is revoked.
 */
export async function logIn(deps: AccessDeps, input: { email: string; password: string }, ip: string, previousTokenHash?: string): Promise<NewSession> {
  await throttleIp(deps, 'login', ip);
  let email: string;
  try {
    email = normaliseEmail(input.email);
  } catch {
    throw new AccessError('INVALID_CREDENTIALS', INVALID_CREDENTIALS); // not an address: no account can match
  }
  await refuseIfLocked(deps, email);
  const account = await accountByEmail(deps.db, email);
  if (!(await verifyPassword(account?.passwordHash, input.password)) || !account) {
    await hitRateLimit(deps.db, failureBucket(email), LOGIN_FAILURE_WINDOW_MS);
    throw new AccessError('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
  }
  await clearRateLimit(deps.db, failureBucket(email));
  if (needsRehash(account.passwordHash)) {
    await upgradePasswordHash(deps.db, account.id, account.passwordHash, await hashPassword(input.password));
  }
  // The plaintext is here once: if it passes today's policy, say so (the advisor names staff whose password does not).
  if (passwordProblems(input.password, email).length === 0) await markPasswordPolicy(deps.db, account.id, PASSWORD_POLICY_VERSION);
  if (previousTokenHash !== undefined) await revokeSession(deps.db, previousTokenHash);
  const session = await createSession(deps.db, account.id, deps.settings.sessionTtlMs);
  // No scheduler runs here: about one log-in in a hundred clears out sessions, tokens and counters long ended.
  if (Math.random() < 0.01) void pruneAccessData(deps.db).catch((err: unknown) => deps.warn(err, 'pruning ended sessions failed'));
  return { account: publicAccount(account), ...session };
}

export async function logOut(deps: AccessDeps, tokenHash: string): Promise<void> {
  await revokeSession(deps.db, tokenHash);
}

/** Ends every session of the account, this one included; returns how many. */
export async function logOutEverywhere(deps: AccessDeps, accountId: string): Promise<number> {
  return revokeAccountSessions(deps.db, accountId);
}

// ---- passwords ------------------------------------------------------------------------------------------------

/** Changes the password of a logged-in account; every other session ends and reset links stop working. */
export async function changePassword(
  deps: AccessDeps,
  session: { accountId: string; tokenHash: string },
  input: { currentPassword: string; newPassword: string },
): Promise<{ revokedSessions: number }> {
  const account = await accountById(deps.db, session.accountId);
  if (!account) throw new AccessError('NOT_FOUND', 'This account no longer exists');
  await refuseIfLocked(deps, account.email);
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
    await hitRateLimit(deps.db, failureBucket(account.email), LOGIN_FAILURE_WINDOW_MS);
    throw new AccessError('WRONG_PASSWORD', 'currentPassword: does not match your password');
  }
  requireStrong(input.newPassword, account.email, 'newPassword');
  if (input.newPassword === input.currentPassword) throw new AccessError('WEAK_PASSWORD', 'newPassword: must differ from the current password');
  const hash = await hashPassword(input.newPassword);
  return deps.db.transaction().execute(async (tx) => {
    await setPasswordHash(tx, account.id, hash);
    await invalidateResetTokens(tx, account.id);
    return { revokedSessions: await revokeAccountSessions(tx, account.id, session.tokenHash) };
  });
}

/**
 * Mails a single-use reset link if the address has an account. The caller answers alike whatever happens here
 * (202), so the answer tells nobody whether an address has an account; at most RESET_MAILS_PER_WINDOW links per
 * address per 15 minutes keep anyone from flooding a mailbox.
 */
export async function requestPasswordReset(deps: AccessDeps, rawEmail: string, ip: string): Promise<void> {
  await throttleIp(deps, 'reset', ip);
  let email: string;
  try {
    email = normaliseEmail(rawEmail);
  } catch {
    return;
  }
  const { hits } = await hitRateLimit(deps.db, `reset-mails:${email}`, LOGIN_FAILURE_WINDOW_MS);
  if (hits > RESET_MAILS_PER_WINDOW) return;
  const account = await accountByEmail(deps.db, email);
  if (!account) return;
  const { token, tokenHash } = await createResetToken(deps.db, account.id, RESET_TOKEN_TTL_MS);
  const { shopName, publicUrl } = deps.settings;
  const resetUrl = `${publicUrl}/reset?token=${token}`;
  await enqueueMail(deps.queue, `password-reset:${tokenHash}`, account.email, passwordResetMail({ shopName, resetUrl, validMinutes: RESET_TOKEN_TTL_MS / 60_000 }));
}

const INVALID_RESET = 'token: this reset link is invalid, used or expired; ask for a new one';

/** Sets a new password with a reset token, which is used up; every session of the account ends. */
export async function confirmPasswordReset(deps: AccessDeps, input: { token: string; password: string }): Promise<void> {
  const account = await resetTokenAccount(deps.db, input.token);
  if (!account) throw new AccessError('INVALID_TOKEN', INVALID_RESET);
  // The policy is checked before the token is used up, so a refused password leaves the link working.
  requireStrong(input.password, account.email, 'password');
  const hash = await hashPassword(input.password);
  await deps.db.transaction().execute(async (tx) => {
    const accountId = await consumeResetToken(tx, input.token); // exactly one of two racing uses gets here
    if (accountId !== account.id) throw new AccessError('INVALID_TOKEN', INVALID_RESET);
    await setPasswordHash(tx, accountId, hash);
    await invalidateResetTokens(tx, accountId);
    await revokeAccountSessions(tx, accountId);
  });
  await clearRateLimit(deps.db, failureBucket(account.email)); // the owner proved control of the mailbox
}

// ---- staff ----------------------------------------------------------------------------------------------------

/** Gives the account with this address a role. Nobody changes their own role: an admin cannot lock themselves out. */
export async function setStaffRole(deps: Pick<AccessDeps, 'db'>, actor: Actor, input: { email: string; role: Role }): Promise<Account> {
  const email = normaliseEmail(input.email);
  if (email === actor.email) throw new AccessError('CONFLICT', 'email: you cannot change your own role; ask another admin');
  return deps.db.transaction().execute(async (trx) => {
    const before = await accountByEmail(trx, email);
    const account = before && (await setRole(trx, email, input.role));
    if (!account) throw new AccessError('NOT_FOUND', `email: no account uses ${email}; the person must sign up first`);
    await recordAudit(trx, actor, { action: 'account.role', target: { type: 'account', id: account.id }, before: { email, role: before.role }, after: { email, role: account.role } });
    return publicAccount(account);
  });
}

/** The operator at the command line, as the audit log names them. */
const CLI_ACTOR: Actor = { id: null, email: `cli:${process.env.USER ?? process.env.LOGNAME ?? 'operator'}` };

/** For the operator's CLI: a new admin account, or an existing account made admin (`promote`). */
export async function createAdmin(
  db: Kysely<Database>,
  input: { email: string; password?: string; name?: string; promote?: boolean },
): Promise<{ account: Account; created: boolean }> {
  const email = normaliseEmail(input.email);
  const existing = await accountByEmail(db, email);
  if (existing) {
    if (!input.promote) {
      throw new AccessError('EMAIL_TAKEN', `an account with ${email} exists (role ${existing.role}); run again with --promote to make it an admin (its password is kept)`);
    }
    const account = await setRole(db, email, 'admin');
    await recordAudit(db, CLI_ACTOR, { action: 'account.role', target: { type: 'account', id: existing.id }, before: { email, role: existing.role }, after: { email, role: 'admin' } });
    return { account: publicAccount(account ?? existing), created: false };
  }
  if (input.promote) throw new AccessError('NOT_FOUND', `no account uses ${email}; leave out --promote to create one`);
  if (input.password === undefined) throw new AccessError('WEAK_PASSWORD', 'password: is required');
  requireStrong(input.password, email, 'password');
  const account = await insertAccount(db, { email, name: input.name?.trim() || null, role: 'admin', passwordHash: await hashPassword(input.password) });
  if (!account) throw new AccessError('EMAIL_TAKEN', `an account with ${email} was created meanwhile`);
  await recordAudit(db, CLI_ACTOR, { action: 'account.create', target: { type: 'account', id: account.id }, after: { email, role: 'admin' } });
  return { account: publicAccount(account), created: true };
}
