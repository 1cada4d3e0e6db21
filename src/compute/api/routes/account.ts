// A signed-in customer's own things: order history and saved addresses. Everything is looked up by the session's
// account id, so another customer's address or order is simply "not found".
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { AddressSchema } from '../../../domain/address.ts';
import { addAddress, deleteAddress, listAddresses, updateAddress } from '../../../databases/relational/addresses.ts';
import { listOrders } from '../../../databases/relational/orders.ts';
import { notFound } from '../errors.ts';
import { OrderPageDto, OrderPageQuery, orderPageDto } from '../order-views.ts';
import { accountOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { NoContent } from '../views.ts';

const label = z.string().trim().min(1, 'is required (e.g. Home)').max(40, 'must be at most 40 characters');
const SavedAddressDto = z.object({ id: z.string(), label: z.string(), isDefault: z.boolean(), address: z.record(z.string(), z.unknown()) });
const addressId = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an address id') });
const BODY_LIMIT = 8 * 1024;

export const accountRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db } = services;
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get(
    '/api/account/orders',
    { preHandler: requirePermission('orders:read-own'), schema: { querystring: z.object(OrderPageQuery).strict(), response: { 200: OrderPageDto } } },
    async (req) => orderPageDto(await listOrders(db, { accountId: accountOf(req).id, limit: req.query.limit, before: req.query.cursor })),
  );

  const manage = requirePermission('account:manage-own');
  app.get('/api/account/addresses', { preHandler: manage, schema: { response: { 200: z.object({ items: z.array(SavedAddressDto) }) } } }, async (req) => ({
    items: await listAddresses(db, accountOf(req).id),
  }));

  app.post(
    '/api/account/addresses',
    { bodyLimit: BODY_LIMIT, preHandler: manage, schema: { body: z.object({ label, address: AddressSchema, isDefault: z.boolean().optional() }).strict(), response: { 201: SavedAddressDto } } },
    async (req, reply) => reply.code(201).send(await addAddress(db, accountOf(req).id, req.body)),
  );

  app.patch(
    '/api/account/addresses/:id',
    {
      bodyLimit: BODY_LIMIT,
      preHandler: manage,
      schema: { params: addressId, body: z.object({ label: label.optional(), address: AddressSchema.optional(), isDefault: z.literal(true).optional() }).strict(), response: { 200: SavedAddressDto } },
    },
    async (req) => {
      const updated = await updateAddress(db, accountOf(req).id, req.params.id, req.body);
      if (!updated) throw notFound('Address');
      return updated;
    },
  );

  app.delete('/api/account/addresses/:id', { preHandler: manage, schema: { params: addressId, response: { 204: NoContent } } }, async (req, reply) => {
    if (!(await deleteAddress(db, accountOf(req).id, req.params.id))) throw notFound('Address');
    return reply.code(204).send(null);
  });
};
