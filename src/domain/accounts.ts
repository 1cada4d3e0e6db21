// Accounts and access: who may do what (roles and a permission table), what a password must be, and how an email
// address is compared. Pure rules, no I/O: the HTTP layer, the CLI and the tests all ask these functions.

export const ROLES = ['customer', 'merchant', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** What the rest of the shop knows of an account (never its password hash). */
export interface Account {
  readonly id: string;
  /** Normalised: see normaliseEmail. */
  readonly email: string;
  readonly name: string | null;
  readonly role: Role;
}

/** Everything an account may be allowed to do. Routes ask `can(role, action)`, never compare roles themselves. */
export const ACTIONS = [
  'account:manage-own', // see and edit one's own account, change one's password, log out everywhere
  'orders:read-own', // one's own orders
  'catalog:write', // create and edit products, upload models
  'orders:read-any', // every shopper's orders
  'orders:fulfil', // mark orders fulfilled, refund
  'staff:manage', // grant and revoke the merchant and admin roles
  'mailbox:read', // read the development mailbox (mail kept in Postgres when no SMTP server is configured)
  'jobs:manage', // see the background queue, replay and purge dead letters
  'audit:read', // read the audit log of staff actions
  'advisor:read', // the store advisor's recommendations
] as const;
export type Action = (typeof ACTIONS)[number];

const CUSTOMER: readonly Action[] = ['account:manage-own', 'orders:read-own'];
const MERCHANT: readonly Action[] = [...CUSTOMER, 'catalog:write', 'orders:read-any', 'orders:fulfil'];

/** The permission table. Admins may do everything; a new action is denied to the others until listed here. */
export const PERMISSIONS: Readonly<Record<Role, ReadonlySet<Action>>> = {
  customer: new Set(CUSTOMER),
  merchant: new Set(MERCHANT),
  admin: new Set(ACTIONS),
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role]?.has(action) ?? false;
}

// ---- email addresses -------------------------------------------------------------------------------------------

export const MAX_EMAIL_LENGTH = 254; // RFC 5321's path limit, less the angle brackets

/** Deliberately simple: one @, a local part without spaces, a domain with a dot. The real check is the mail. */
const EMAIL = /^[^\s@"(),:;<>[\\\]]{1,64}@(?:[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,61}[A-Za-z0-9\u00a0-\uffff])?\.)+(?:[A-Za-z\u00a0-\uffff]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export class AccountRuleError extends Error {
  readonly code = 'INVALID_DATA';
}

/**
 * The one form an address is stored and compared in: trimmed, Unicode NFC, lower-cased. Lower-casing the local
 * part is not what RFC 5321 promises, but it is what every mail provider does and what shoppers expect
 * (`Ada@Example.com` and `ada@example.com` are one account). Dots and `+tags` are kept: they may be meaningful.
 */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw new AccountRuleError(`email: must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL.test(email)) throw new AccountRuleError('email: must be an email address such as ada@example.com');
  return email;
}

// ---- passwords --------------------------------------------------------------------------------------------------

export const MIN_PASSWORD_LENGTH = 10;
/** Argon2 hashes any length in the same time; the cap only keeps request bodies small. */
export const MAX_PASSWORD_LENGTH = 256;

/** The form a password is hashed in: NFKC, so the same characters typed on another keyboard still match. */
export const normalisePassword = (pw: string): string => pw.normalize('NFKC');

type CharClass = 'lowercase letters' | 'uppercase letters' | 'digits' | 'other characters';

function charClass(ch: string): CharClass {
  if (/\p{Ll}/u.test(ch)) return 'lowercase letters';
  if (/\p{Lu}/u.test(ch)) return 'uppercase letters';
  if (/\p{Nd}/u.test(ch)) return 'digits';
  return 'other characters'; // symbols, spaces, and letters of scripts without case
}

/** Raise it whenever passwordProblems() gets stricter: passwords set under an older version are then reported. */
export const PASSWORD_POLICY_VERSION = 1;

/**
 * Every reason a password is refused, as messages naming the field (empty = acceptable): at least
 * MIN_PASSWORD_LENGTH characters, not all of one class (only lowercase letters, only digits...), and not the
 * account's email address or its local part.
 */
export function passwordProblems(password: string, email: string, field = 'password'): string[] {
  const pw = normalisePassword(password);
  const chars = [...pw]; // code points, so an emoji counts as one character
  const problems: string[] = [];
  if (chars.length < MIN_PASSWORD_LENGTH) problems.push(`${field}: must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (chars.length > MAX_PASSWORD_LENGTH) problems.push(`${field}: must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const classes = new Set(chars.map(charClass));
  if (chars.length > 0 && classes.size === 1) {
    problems.push(`${field}: must mix at least two kinds of characters (it has only ${[...classes][0]})`);
  }
  const lower = pw.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (address !== '' && (lower === address || lower === local || lower.includes(address))) {
    problems.push(`${field}: must not be your email address`);
  }
  return problems;
}

// ---- lifetimes and limits ---------------------------------------------------------------------------------------

/** A password-reset link works once, within this long of being sent. */
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Failed log-ins per account are counted over this window (the lock-out lasts what is left of it). */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Log-in attempts per IP address are counted per minute. */
export const LOGIN_IP_WINDOW_MS = 60 * 1000;
/** At most this many reset mails per address per failure window; more requests are answered alike but send nothing. */
export const RESET_MAILS_PER_WINDOW = 3;
/** However often a session is used, it ends this long after the log-in (sliding expiry has a ceiling). */
export const SESSION_ABSOLUTE_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Sliding expiry: a session used when less than half its time-to-live is left is extended to a full TTL from
 * now, never past SESSION_ABSOLUTE_MS after it began. Returns the new expiry, or undefined when no renewal is due
 * (so a busy session costs one write per half TTL, not one per request).
 */
export function renewedExpiry(s: { createdAt: Date; expiresAt: Date }, now: Date, ttlMs: number): Date | undefined {
  if (s.expiresAt.getTime() - now.getTime() > ttlMs / 2) return undefined;
  const next = Math.min(now.getTime() + ttlMs, s.createdAt.getTime() + SESSION_ABSOLUTE_MS);
  return next > s.expiresAt.getTime() ? new Date(next) : undefined;
}
