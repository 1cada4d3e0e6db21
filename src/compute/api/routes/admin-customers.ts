// The merchant's customers: the list of customer accounts (searched by email or name, newest first, each with its
// paid orders, spend and last order) and one customer's detail (account, saved addresses, latest orders). Read only,
// for staff who may read every order. Guests who checked out without an account are not accounts and are not
// listed: their orders are on the order desk, found by email. No answer ever carries a password hash or a session.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { ROLES } from '../../../domain/accounts.ts';
import { listAddresses } from '../../../databases/relational/addresses.ts';
import { getCustomer, listCustomers, type CustomerSummary } from '../../../databases/relational/customers.ts';
import { listOrders } from '../../../databases/relational/orders.ts';
import { notFound } from '../errors.ts';
import { OrderSummaryDto, orderPageDto } from '../order-views.ts';
import { requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { MoneyDto } from '../views.ts';

/** Account ids are UUIDs: anything else is refused before it reaches a uuid column. */
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const params = z.object({ id: z.string().regex(ACCOUNT_ID, 'must be a customer id') });
/** The detail shows this many of the latest orders; the order desk (searched by email) has the rest. */
const DETAIL_ORDERS = 50;

export const CustomerSummaryDto = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  /** Orders paid or fulfilled (a fully refunded or cancelled one no longer counts). */
  paidOrders: z.number().int(),
  /** Those orders' totals less what was refunded of them, in the store's currency. */
  totalSpent: MoneyDto,
  lastOrderAt: z.string().nullable(),
});
const CustomerPageDto = z.object({ items: z.array(CustomerSummaryDto), nextCursor: z.string().nullable() });
const CustomerAddressDto = z.object({ id: z.string(), label: z.string(), isDefault: z.boolean(), address: z.record(z.string(), z.unknown()) });
const CustomerDetailDto = CustomerSummaryDto.extend({
  addresses: z.array(CustomerAddressDto),
  orders: z.array(OrderSummaryDto),
  /** True when the account has more orders than the ones listed here. */
  moreOrders: z.boolean(),
});

const summaryDto = (c: CustomerSummary): z.infer<typeof CustomerSummaryDto> => ({
  id: c.id,
  email: c.email,
  name: c.name,
  role: c.role,
  createdAt: c.createdAt.toISOString(),
  paidOrders: c.paidOrders,
  totalSpent: { amount: c.spent, currency: c.currency },
  lastOrderAt: c.lastOrderAt?.toISOString() ?? null,
});

export const adminCustomerRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db } = services;
  const currency = services.config.CURRENCY;
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });
  // Whoever may read every order may read who placed them: the same permission, no new role rule.
  const read = requirePermission('orders:read-any');

  app.get(
    '/api/admin/customers',
    {
      preHandler: read,
      schema: {
        querystring: z
          .object({
            q: z.string().trim().max(254, 'must be at most 254 characters').optional(),
            role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }).default('customer'),
            limit: z.coerce.number().int().min(1).max(100).default(25),
            cursor: z.string().regex(ACCOUNT_ID, 'must be the nextCursor of a previous page').optional(),
          })
          .strict(),
        response: { 200: CustomerPageDto },
      },
    },
    async (req) => {
      const page = await listCustomers(db, { role: req.query.role, text: req.query.q, limit: req.query.limit, after: req.query.cursor, currency });
      return { items: page.items.map(summaryDto), nextCursor: page.nextAfter };
    },
  );

  app.get('/api/admin/customers/:id', { preHandler: read, schema: { params, response: { 200: CustomerDetailDto } } }, async (req) => {
    const customer = await getCustomer(db, req.params.id, currency);
    // A staff id is 404 too: staff accounts are managed elsewhere, not browsed as customers.
    if (!customer) throw notFound('Customer');
    const [addresses, orders] = await Promise.all([listAddresses(db, customer.id), listOrders(db, { accountId: customer.id, limit: DETAIL_ORDERS })]);
    return {
      ...summaryDto(customer),
      addresses: addresses.map((a) => ({ id: a.id, label: a.label, isDefault: a.isDefault, address: { ...a.address } })),
      orders: orderPageDto(orders).items,
      moreOrders: orders.nextBefore !== null,
    };
  });
};
