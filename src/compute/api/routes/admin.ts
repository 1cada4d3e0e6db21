// Admin actions on accounts: granting the merchant and admin roles (sign-up only ever makes customers), and reading
// the development mailbox. Every route names the permission it needs (domain/accounts.ts PERMISSIONS): guests get
// 401, accounts without it 403.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { MAX_EMAIL_LENGTH, ROLES, normaliseEmail } from '../../../domain/accounts.ts';
import { listStaff } from '../../../databases/relational/accounts.ts';
import { setStaffRole } from '../../accounts/accounts.ts';
import { readDevMailbox } from '../../mail/dev-mailbox.ts';
import { HttpError } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { AUTH_BODY_LIMIT, AccountDto, accessErrorHandler } from './auth.ts';

const email = z.string({ message: 'is required (an email address)' }).trim().min(1, 'is required (an email address)').max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`);
const role = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

const MailDto = z.object({ id: z.string(), from: z.string(), to: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable(), createdAt: z.string() });

export const adminRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db } = services;
  app.setErrorHandler(accessErrorHandler);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get('/api/admin/staff', { preHandler: requirePermission('staff:manage'), schema: { response: { 200: z.object({ items: z.array(AccountDto) }) } } }, async () => ({
    items: await listStaff(db),
  }));

  app.post(
    '/api/admin/staff',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      preHandler: requirePermission('staff:manage'),
      schema: { body: z.object({ email, role }).strict(), response: { 200: z.object({ account: AccountDto }) } },
    },
    async (req) => ({ account: await setStaffRole({ db }, actorOf(req), req.body) }),
  );

  app.get(
    '/api/admin/mailbox',
    {
      preHandler: requirePermission('mailbox:read'),
      schema: {
        querystring: z.object({
          to: email.optional(),
          limit: z.coerce.number({ message: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
        }),
        response: { 200: z.object({ items: z.array(MailDto) }) },
      },
    },
    async (req) => {
      if (services.config.SMTP_URL) throw new HttpError(404, 'NOT_FOUND', 'There is no development mailbox: mail goes to the SMTP server in SMTP_URL');
      const to = req.query.to === undefined ? undefined : normaliseEmail(req.query.to);
      const items = await readDevMailbox(db, { limit: req.query.limit, to });
      return { items: items.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
    },
  );
};
