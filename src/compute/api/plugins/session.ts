// Who is calling, and may they: the session cookie, the account behind it, role and permission checks, and CSRF
// protection for every state-changing request. Registered once, before the routes, for the whole app.
//
// Sessions. The cookie `vitrine_session` holds an opaque random token (32 bytes, base64url); Postgres keeps only
// its SHA-256 with an expiry and `revoked_at` (databases/relational/accounts.ts). HttpOnly, SameSite=Lax, Path=/,
// Secure when the request came over HTTPS (X-Forwarded-Proto counts with TRUST_PROXY) or PUBLIC_URL is https.
// The account is read from the database on every request that carries the cookie, so a revoked session or a
// changed role takes effect at once, on every instance. Sliding expiry: GET /api/auth/me and /api/auth/csrf renew a
// session that has used half its time (domain/accounts.ts renewedExpiry), never past 90 days from log-in.
//
// CSRF. SameSite=Lax already keeps the session cookie off cross-site POSTs in current browsers; two independent
// checks make that not the only line, for every POST, PUT, PATCH and DELETE (a route opts out with
// `config: { csrf: false }` only when it authenticates otherwise, as the signed Stripe webhook does):
//   1. Same origin. A present `Origin` must be this shop (PUBLIC_URL's origin or the origin the request was sent
//      to); without `Origin`, a present `Sec-Fetch-Site` must be `same-origin` (or `none`: typed by the user).
//      Browsers send one or both on every such request; clients sending neither are not browsers and carry no
//      ambient cookies an attacker could ride, so for them check 2 alone applies.
//   2. A token in the `x-csrf-token` header, which a cross-site form cannot set and a cross-site script cannot read:
//      - with a session: a per-session token, SHA-256 of the session token under its own label (derivable only
//        from the HttpOnly cookie, so nothing more to store and it dies with the session);
//      - for guests (sign-up, log-in, password reset, cart): the double-submit value of the `vitrine_csrf` cookie,
//        which check 1 protects from cookie tossing by a sibling subdomain.
//   Both come from GET /api/auth/csrf (and with every response that opens a session). Why both checks: Origin
//   alone trusts every browser to send it; a token alone trusts that no sibling subdomain can plant a cookie.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { can, renewedExpiry, type Account, type Action, type Role } from '../../../domain/accounts.ts';
import { extendSession, sessionByToken } from '../../../databases/relational/accounts.ts';
import type { Actor } from '../../../databases/relational/audit.ts';
import { HttpError } from '../errors.ts';
import type { ApiServices } from '../ports.ts';

export const SESSION_COOKIE = 'vitrine_session';
export const CSRF_COOKIE = 'vitrine_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface RequestSession {
  /** The cookie's token (needed to derive the CSRF token); never logged or stored. */
  readonly token: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in account, or null for a guest. */
    account: Account | null;
    session: RequestSession | null;
  }
  interface FastifyContextConfig {
    /** false: no CSRF check, for routes that authenticate every request otherwise (signed webhooks). */
    csrf?: boolean;
    /**
     * false: a read that never depends on the caller (catalog, assets, health) skips the session lookup, a query
     * per request from logged-in browsers. State-changing requests always look it up (their CSRF token needs it).
     */
    session?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const GUEST_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The CSRF token of a session: a label-separated hash of its token, so neither can be computed from the other's hash. */
export const sessionCsrfToken = (sessionToken: string): string => createHash('sha256').update(`vitrine-csrf\0${sessionToken}`).digest('base64url');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SessionPluginOptions {
  readonly services: ApiServices;
}

const plugin: FastifyPluginAsync<SessionPluginOptions> = async (app, { services }) => {
  const { db, config } = services;
  const publicOrigin = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).origin : undefined;

  app.decorateRequest('account', null);
  app.decorateRequest('session', null);

  // Callback style, not async: most requests (catalog reads, no cookie) need no database and then pass straight on,
  // without a promise and a turn of the microtask queue each. A throw here is the request's error (Fastify's hook
  // runner catches it).
  app.addHook('onRequest', (req, _reply, done) => {
    const guarded = UNSAFE.has(req.method) && req.routeOptions.url !== undefined && req.routeOptions.config?.csrf !== false;
    if (guarded) checkSameOrigin(req, publicOrigin); // before any database work: cross-site requests cost nothing
    const token = req.cookies[SESSION_COOKIE];
    if (!token || (!guarded && req.routeOptions.config?.session === false)) {
      if (guarded) checkToken(req);
      done();
      return;
    }
    sessionByToken(db, token).then((s) => {
      if (s) {
        req.session = { token, tokenHash: s.tokenHash, createdAt: s.createdAt, expiresAt: s.expiresAt };
        req.account = s.account;
      }
      if (guarded) checkToken(req);
    }).then(() => done(), done);
  });
};
// Like fastify-plugin: the decorations and the hook apply to the whole app, not only inside this plugin.
Object.assign(plugin, { [Symbol.for('skip-override')]: true });
export const sessionPlugin = plugin;

/** Refuses a request another site's page sent (its Origin, else Sec-Fetch-Site): the first of the two CSRF checks. */
export function checkSameOrigin(req: FastifyRequest, publicOrigin: string | undefined): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === publicOrigin || origin === `${req.protocol}://${req.host}`) return;
    throw new HttpError(403, 'CSRF', `Cross-origin request refused: Origin ${origin} is not this shop`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(403, 'CSRF', `Cross-origin request refused: Sec-Fetch-Site is ${site}`);
  }
}

function checkToken(req: FastifyRequest): void {
  const sent = req.headers[CSRF_HEADER];
  const how = `GET /api/auth/csrf and send its csrfToken in the ${CSRF_HEADER} header with every POST, PUT, PATCH and DELETE`;
  if (typeof sent !== 'string' || sent === '') throw new HttpError(403, 'CSRF', `Missing ${CSRF_HEADER} header: ${how}`);
  const expected = req.session ? sessionCsrfToken(req.session.token) : req.cookies[CSRF_COOKIE];
  if (!expected || !sameToken(sent, expected)) {
    throw new HttpError(403, 'CSRF', `${CSRF_HEADER} does not match ${req.session ? 'this session' : 'the csrf cookie'}: ${how}`);
  }
}

// ---- cookies --------------------------------------------------------------------------------------------------

function secure(req: FastifyRequest, services: ApiServices): boolean {
  return req.protocol === 'https' || (services.config.PUBLIC_URL?.startsWith('https://') ?? false);
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, services: ApiServices, s: { token: string; expiresAt: Date }): void {
  reply.header('cache-control', PRIVATE);
  reply.setCookie(SESSION_COOKIE, s.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: secure(req, services),
    expires: s.expiresAt,
    maxAge: Math.max(0, Math.floor((s.expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply, services: ApiServices): void {
  reply.header('cache-control', PRIVATE);
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(req, services) });
}

/**
 * The CSRF token this client must send: the session's, or the guest cookie's (set now if missing). Call it from
 * responses that are private (they carry a per-client value).
 */
export function csrfTokenFor(req: FastifyRequest, reply: FastifyReply, services: ApiServices): string {
  reply.header('cache-control', PRIVATE);
  if (req.session) return sessionCsrfToken(req.session.token);
  const existing = req.cookies[CSRF_COOKIE];
  if (existing && GUEST_TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  // HttpOnly too: the storefront reads the value from /api/auth/csrf, never from document.cookie.
  reply.setCookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(req, services) });
  return token;
}

/** Sliding expiry: extends the request's session when due and re-sends the cookie. */
export async function renewSession(req: FastifyRequest, reply: FastifyReply, services: ApiServices): Promise<void> {
  const s = req.session;
  if (!s) return;
  const ttlMs = services.config.SESSION_TTL_HOURS * 60 * 60 * 1000;
  const next = renewedExpiry(s, new Date(), ttlMs);
  if (next && (await extendSession(services.db, s.tokenHash, next))) {
    req.session = { ...s, expiresAt: next };
    setSessionCookie(req, reply, services, { token: s.token, expiresAt: next });
  }
}

// ---- who may do what ------------------------------------------------------------------------------------------

function requireAccount(req: FastifyRequest): Account {
  if (!req.account) throw new HttpError(401, 'UNAUTHENTICATED', 'Log in first: this needs an account');
  return req.account;
}

/** preHandler: 401 for guests, 403 unless the account has one of `roles`. */
export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async (req) => {
    const account = requireAccount(req);
    if (!roles.includes(account.role)) throw new HttpError(403, 'FORBIDDEN', `Only ${roles.join(' or ')} accounts may do this`);
  };
}

/** preHandler: 401 for guests, 403 unless the account's role may do `action` (domain/accounts.ts PERMISSIONS). */
export function requirePermission(action: Action): preHandlerAsyncHookHandler {
  return async (req) => {
    const account = requireAccount(req);
    if (!can(account.role, action)) throw new HttpError(403, 'FORBIDDEN', `A ${account.role} account may not do this (${action})`);
  };
}

/** Who is acting, for the audit log: the account of a request that passed requirePermission, and the request id. */
export function actorOf(req: FastifyRequest): Actor {
  const a = requireAccount(req);
  return { id: a.id, email: a.email, requestId: req.id };
}

/** The account of a request that passed requireRole/requirePermission. */
export function accountOf(req: FastifyRequest): Account {
  return requireAccount(req);
}
