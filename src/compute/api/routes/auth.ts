// Sign-up, log-in and out, the current account, password change and reset: thin shells over the account use cases
// (compute/accounts/accounts.ts). Every answer here depends on who asks: `Cache-Control: private, no-store`.
// Bodies are small (16 KB at most); the session plugin has already checked CSRF for every POST.
import { adoptCartAtLogin, forgetCart } from './commerce.ts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NoContent } from '../views.ts';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, ROLES } from '../../../domain/accounts.ts';
import {
  AccessError,
  accessSettings,
  changePassword,
  confirmPasswordReset,
  logIn,
  logOut,
  logOutEverywhere,
  requestPasswordReset,
  signUp,
  type AccessDeps,
  type AccessErrorCode,
  type NewSession,
} from '../../accounts/accounts.ts';
import { HttpError, errorHandler } from '../errors.ts';
import { SESSION_COOKIE, accountOf, clearSessionCookie, csrfTokenFor, renewSession, requirePermission, sessionCsrfToken, setSessionCookie } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

export const AUTH_BODY_LIMIT = 16 * 1024;

const ACCESS_STATUS: Record<AccessErrorCode, number> = {
  EMAIL_TAKEN: 409,
  INVALID_CREDENTIALS: 401,
  WRONG_PASSWORD: 403,
  WEAK_PASSWORD: 400,
  RATE_LIMITED: 429,
  INVALID_TOKEN: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** The central error handler, plus the account use cases' errors (and Retry-After on 429). */
export function accessErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof AccessError) {
    if (err.retryAfterMs !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
    errorHandler(new HttpError(ACCESS_STATUS[err.code], err.code, err.message), req, reply);
    return;
  }
  errorHandler(err, req, reply);
}

// ---- request and response shapes ------------------------------------------------------------------------------

const email = z
  .string({ message: 'is required (an email address)' })
  .trim()
  .min(1, 'is required (an email address)')
  .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`);
// Up to 4 UTF-16 units per character; the policy (domain/accounts.ts) counts characters and says what is wrong.
const password = z
  .string({ message: 'is required' })
  .min(1, 'is required')
  .max(MAX_PASSWORD_LENGTH * 4, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
const token = z.string({ message: 'is required (the token from the reset link)' }).min(1, 'is required').max(128, 'is not a reset token');

export const AccountDto = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) });
const SessionDto = z.object({
  account: AccountDto,
  /** Send it back in the x-csrf-token header with every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
});
const CsrfDto = z.object({ csrfToken: z.string() });
const MessageDto = z.object({ message: z.string() });
const RevokedDto = z.object({ revokedSessions: z.number().int() });

export const authRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const settings = accessSettings(services.config);
  const deps = (req: FastifyRequest): AccessDeps => ({
    db: services.db,
    queue: services.queue,
    settings,
    warn: (err, message) => req.log.warn({ err }, message),
  });
  const opened = async (req: FastifyRequest, reply: FastifyReply, s: NewSession) => {
    setSessionCookie(req, reply, services, s);
    await adoptCartAtLogin(req, reply, services.db, s.account.id);
    return { account: s.account, csrfToken: sessionCsrfToken(s.token) };
  };

  app.setErrorHandler(accessErrorHandler);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get('/api/auth/csrf', { schema: { response: { 200: CsrfDto } } }, async (req, reply) => {
    await renewSession(req, reply, services);
    return { csrfToken: csrfTokenFor(req, reply, services) };
  });

  app.post(
    '/api/auth/signup',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      schema: {
        body: z.object({ email, password, name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional() }).strict(),
        response: { 201: SessionDto },
      },
    },
    async (req, reply) => {
      const s = await signUp(deps(req), req.body, req.ip, req.session?.tokenHash);
      return reply.code(201).send(await opened(req, reply, s));
    },
  );

  app.post(
    '/api/auth/login',
    { bodyLimit: AUTH_BODY_LIMIT, schema: { body: z.object({ email, password }).strict(), response: { 200: SessionDto } } },
    async (req, reply) => {
      const s = await logIn(deps(req), req.body, req.ip, req.session?.tokenHash);
      return await opened(req, reply, s);
    },
  );

  app.post('/api/auth/logout', { bodyLimit: AUTH_BODY_LIMIT, schema: { response: { 204: NoContent } } }, async (req, reply) => {
    if (req.session) await logOut(deps(req), req.session.tokenHash);
    clearSessionCookie(req, reply, services);
    forgetCart(reply);
    return reply.code(204).send(null);
  });

  app.post(
    '/api/auth/logout-all',
    { bodyLimit: AUTH_BODY_LIMIT, preHandler: requirePermission('account:manage-own'), schema: { response: { 200: RevokedDto } } },
    async (req, reply) => {
      const revokedSessions = await logOutEverywhere(deps(req), accountOf(req).id);
      clearSessionCookie(req, reply, services);
      return { revokedSessions };
    },
  );

  app.get('/api/auth/me', { schema: { response: { 200: SessionDto } } }, async (req, reply) => {
    if (!req.account) {
      if (req.cookies[SESSION_COOKIE] !== undefined) clearSessionCookie(req, reply, services); // ended or revoked
      throw new HttpError(401, 'UNAUTHENTICATED', 'Not logged in');
    }
    await renewSession(req, reply, services);
    return { account: req.account, csrfToken: csrfTokenFor(req, reply, services) };
  });

  app.post(
    '/api/auth/password',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      preHandler: requirePermission('account:manage-own'),
      schema: { body: z.object({ currentPassword: password, newPassword: password }).strict(), response: { 200: RevokedDto } },
    },
    async (req) => {
      const session = req.session!; // requirePermission passed: there is a session
      return changePassword(deps(req), { accountId: accountOf(req).id, tokenHash: session.tokenHash }, req.body);
    },
  );

  app.post(
    '/api/auth/password-reset',
    { bodyLimit: AUTH_BODY_LIMIT, schema: { body: z.object({ email }).strict(), response: { 202: MessageDto } } },
    async (req, reply) => {
      await requestPasswordReset(deps(req), req.body.email, req.ip);
      return reply.code(202).send({ message: 'If an account uses this address, a link to choose a new password is on its way; it works once, within an hour' });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    { bodyLimit: AUTH_BODY_LIMIT, schema: { body: z.object({ token, password }).strict(), response: { 204: NoContent } } },
    async (req, reply) => {
      await confirmPasswordReset(deps(req), req.body);
      return reply.code(204).send(null);
    },
  );
};
