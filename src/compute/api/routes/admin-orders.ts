// The merchant's order desk: list and filter every order, read one with its history, fulfil it with a carrier and
// tracking number, cancel it (stock returns, a paid order is refunded) or refund it in part or in full. Each move
// is checked by the order state machine (domain/order.ts): an illegal one is 409 with the order's current status.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../../domain/order.ts';
import { getOrder, listOrders, orderHistory, type Change, type OrderView } from '../../../databases/relational/orders.ts';
import { PaymentGatewayError } from '../../checkout/checkout.ts';
import { cancel, fulfil, refund, type OrderOpsDeps } from '../../orders/operations.ts';
import { notFound } from '../errors.ts';
import { IdempotencyKeyHeaders, idempotent } from '../idempotent.ts';
import { AdminOrderDto, OrderPageDto, OrderPageQuery, adminOrderDto, orderPageDto } from '../order-views.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

const params = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an order id') });
const note = z.string().trim().max(500, 'must be at most 500 characters').optional();
const BODY_LIMIT = 4096;

export const adminOrderRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db } = services;
  const deps: OrderOpsDeps = { db, payments: services.payments };
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  const load = async (id: string): Promise<OrderView> => {
    const order = await getOrder(db, id);
    if (!order) throw notFound('Order');
    return order;
  };
  const detail = async (id: string) => adminOrderDto(await load(id), await orderHistory(db, id));
  /** A staff change: who (for order_history and the audit log), which request, and why. */
  const staffChange = (req: FastifyRequest, note?: string): Change => {
    const who = actorOf(req);
    return { actor: who.email, actorId: who.id, requestId: who.requestId, note: note ?? null };
  };
  const read = requirePermission('orders:read-any');
  const operate = requirePermission('orders:fulfil');

  app.get(
    '/api/admin/orders',
    {
      preHandler: read,
      schema: {
        querystring: z
          .object({
            ...OrderPageQuery,
            status: z.enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]], { message: `must be one of ${ORDER_STATUSES.join(', ')}` }).optional(),
            q: z.string().trim().max(254).optional(),
          })
          .strict(),
        response: { 200: OrderPageDto },
      },
    },
    async (req) => orderPageDto(await listOrders(db, { status: req.query.status, text: req.query.q, limit: req.query.limit, before: req.query.cursor })),
  );

  app.get('/api/admin/orders/:id', { preHandler: read, schema: { params, response: { 200: AdminOrderDto } } }, async (req) => detail(req.params.id));

  app.post(
    '/api/admin/orders/:id/fulfil',
    {
      bodyLimit: BODY_LIMIT,
      preHandler: operate,
      schema: {
        params,
        body: z.object({ carrier: z.string().trim().min(1, 'is required (e.g. UPS)').max(60), trackingNumber: z.string().trim().min(1, 'is required').max(100).regex(/^[A-Za-z0-9 -]+$/, 'may hold only letters, digits, spaces and dashes') }).strict(),
        response: { 200: AdminOrderDto },
      },
    },
    async (req) => {
      await load(req.params.id);
      await fulfil(deps, req.params.id, req.body, staffChange(req));
      return detail(req.params.id);
    },
  );

  app.post(
    '/api/admin/orders/:id/cancel',
    { bodyLimit: BODY_LIMIT, preHandler: operate, schema: { params, body: z.object({ reason: note }).strict().default({}), response: { 200: AdminOrderDto } } },
    async (req) => {
      await cancel(deps, await load(req.params.id), staffChange(req, req.body.reason));
      return detail(req.params.id);
    },
  );

  app.post(
    '/api/admin/orders/:id/refund',
    {
      bodyLimit: BODY_LIMIT,
      preHandler: operate,
      schema: {
        params,
        headers: IdempotencyKeyHeaders,
        body: z.object({ amount: z.number().int('must be a whole number of minor units').positive('must be above 0').optional(), reason: note }).strict().default({}),
        response: { 200: AdminOrderDto, 202: AdminOrderDto },
      },
    },
    async (req, reply) => {
      await load(req.params.id);
      return idempotent(db, reply, { scope: `refund:${req.params.id}`, key: req.headers['idempotency-key'], body: req.body }, async () => {
        try {
          await refund(deps, req.params.id, req.body.amount, staffChange(req, req.body.reason));
          return { status: 200, body: await detail(req.params.id) };
        } catch (err) {
          // The provider did not answer: the refund is recorded as pending and settled by the worker with the same
          // provider key. That is an accepted request, not a failure, and a retry must not start a second refund.
          if (err instanceof PaymentGatewayError) return { status: 202, body: await detail(req.params.id) };
          throw err;
        }
      });
    },
  );
};
