// Cart, checkout and orders over HTTP: thin shells over src/domain and the checkout workflow. A guest's cart is
// identified by an opaque random id in an HttpOnly cookie; prices always come from the catalog read model.
// Every answer here is per shopper: `Cache-Control: private, no-store`, never cached by the CDN.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { AddressSchema } from '../../../domain/address.ts';
import { MAX_LINE_QUANTITY, type CartLine } from '../../../domain/cart.ts';
import { priceLines, type CatalogVariantView } from '../../../domain/checkout.ts';
import { addToCart, cartAtLogin, cartLines, cartUsableBy, createCart, setCartLine } from '../../../databases/relational/carts.ts';
import { getOrder, type OrderView } from '../../../databases/relational/orders.ts';
import { checkout, confirmPayment, orderIdFor, quote, type CheckoutDeps, type CheckoutResult } from '../../checkout/checkout.ts';
import { IdempotencyKeyHeaders, idempotent } from '../idempotent.ts';
import { HttpError, notFound } from '../errors.ts';
import { OrderDto, OrderLineDto, orderDto } from '../order-views.ts';
import { MoneyDto } from '../views.ts';
import type { ApiServices } from '../ports.ts';

export const CART_COOKIE = 'vitrine_cart';
const CART_ID = /^[A-Za-z0-9_-]{32}$/;

export const newCartId = (): string => randomBytes(24).toString('base64url');

export function cartIdOf(req: FastifyRequest): string | undefined {
  const id = req.cookies[CART_COOKIE];
  return id && CART_ID.test(id) ? id : undefined;
}

export function setCartCookie(req: FastifyRequest, reply: FastifyReply, id: string): void {
  reply.setCookie(CART_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https', path: '/', maxAge: 60 * 60 * 24 * 30 });
}

/** At log-in: the customer's cart (the guest cart merged in) becomes this browser's cart. */
export async function adoptCartAtLogin(req: FastifyRequest, reply: FastifyReply, db: ApiServices['db'], accountId: string): Promise<void> {
  setCartCookie(req, reply, await cartAtLogin(db, accountId, cartIdOf(req), newCartId));
}

/** At log-out: the customer's cart stays with the account, not on this (perhaps shared) browser. */
export function forgetCart(reply: FastifyReply): void {
  reply.clearCookie(CART_COOKIE, { path: '/' });
}
const variantId = z.string().min(1).max(128);

const CartDto = z.object({
  lines: z.array(OrderLineDto.omit({ variantId: true }).extend({ variantId: z.string(), productId: z.string(), slug: z.string() })),
  /** Variants in the cart that can no longer be bought (unpublished or gone): shown, not charged. */
  unavailable: z.array(z.string()),
  subtotal: MoneyDto,
  itemCount: z.number().int(),
});
const QuoteDto = z.object({
  shippingOptions: z.array(z.object({ id: z.string(), name: z.string(), price: MoneyDto })),
  shippingMethod: z.string().nullable(),
  totals: z.object({ subtotal: MoneyDto, shipping: MoneyDto, tax: MoneyDto, taxInclusive: z.boolean(), total: MoneyDto }).nullable(),
});
const CheckoutAnswers = {
  201: z.object({ order: OrderDto }).describe('Paid: the order is placed'),
  202: z.object({ order: OrderDto, payment: z.object({ status: z.literal('requires_action'), clientSecret: z.string() }) }).describe('The card needs an extra step (3-D Secure); then POST /api/orders/{id}/confirm-payment'),
  402: z.object({ error: z.object({ code: z.string(), message: z.string() }), order: OrderDto }).describe('Declined: nothing was charged, the stock was released, the cart is kept'),
};
const orderParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an order id') });
const quantity = z.number({ message: `must be a whole number from 1 to ${MAX_LINE_QUANTITY}` }).int(`must be a whole number from 1 to ${MAX_LINE_QUANTITY}`);

export const commerceRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db, catalog } = services;
  const variantView = (line: CartLine): CatalogVariantView | undefined => {
    const hit = catalog.variantById(line.variantId);
    if (!hit) return undefined;
    const { product, variant } = hit;
    return { productId: product.id, sku: variant.sku, title: product.title, options: variant.options, price: variant.price, published: product.status === 'published' };
  };
  const deps: CheckoutDeps = { db, settings: services.storeSettings, payments: services.payments, variant: variantView };

  /** The caller's cart id when the cookie names a cart they may use (another account's cart is "not found"). */
  const usableCart = async (req: FastifyRequest): Promise<string | undefined> => {
    const id = cartIdOf(req);
    return id && (await cartUsableBy(db, id, req.account?.id ?? null)) ? id : undefined;
  };

  const ensureCart = async (req: FastifyRequest, reply: FastifyReply): Promise<string> => {
    const existing = await usableCart(req);
    if (existing) return existing;
    const id = newCartId();
    await createCart(db, id, req.account?.id ?? null);
    setCartCookie(req, reply, id);
    return id;
  };

  const cartView = async (cartId: string | undefined) => {
    const lines = cartId ? await cartLines(db, cartId) : [];
    const available = lines.filter((l) => variantView(l)?.published);
    const priced = priceLines(available, variantView, services.storeSettings.currency);
    const subtotal = priced.reduce((s, l) => s + l.total.amount, 0);
    return {
      lines: priced.map((l) => {
        const hit = catalog.variantById(l.variantId)!;
        return { variantId: l.variantId, productId: l.productId, slug: hit.product.slug, sku: l.sku, title: l.title, options: l.options, quantity: l.quantity, unitPrice: l.unitPrice, total: l.total };
      }),
      unavailable: lines.filter((l) => !available.includes(l)).map((l) => l.variantId),
      subtotal: { amount: subtotal, currency: services.storeSettings.currency },
      itemCount: priced.reduce((n, l) => n + l.quantity, 0),
    };
  };

  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get('/api/cart', { schema: { response: { 200: CartDto } } }, async (req) => cartView(await usableCart(req)));

  app.post(
    '/api/cart/lines',
    { bodyLimit: 4096, schema: { body: z.object({ variantId, quantity: quantity.min(1).max(MAX_LINE_QUANTITY).default(1) }).strict(), response: { 201: CartDto } } },
    async (req, reply) => {
      const hit = catalog.variantById(req.body.variantId);
      if (!hit) throw notFound(`Variant ${JSON.stringify(req.body.variantId)}`);
      const cartId = await ensureCart(req, reply);
      await addToCart(db, cartId, { variantId: hit.variant.id, productId: hit.product.id, quantity: req.body.quantity });
      return reply.code(201).send(await cartView(cartId));
    },
  );

  app.patch(
    '/api/cart/lines/:variantId',
    { bodyLimit: 4096, schema: { params: z.object({ variantId }), body: z.object({ quantity: quantity.min(0).max(MAX_LINE_QUANTITY) }).strict(), response: { 200: CartDto } } },
    async (req) => {
      const cartId = await usableCart(req);
      if (!cartId) throw notFound('Cart');
      await setCartLine(db, cartId, req.params.variantId, req.body.quantity);
      return cartView(cartId);
    },
  );

  app.delete('/api/cart/lines/:variantId', { schema: { params: z.object({ variantId }), response: { 200: CartDto } } }, async (req) => {
    const cartId = await usableCart(req);
    if (!cartId) throw notFound('Cart');
    const lines = await cartLines(db, cartId);
    if (lines.some((l) => l.variantId === req.params.variantId)) await setCartLine(db, cartId, req.params.variantId, 0);
    return cartView(cartId);
  });

  app.post(
    '/api/checkout/quote',
    {
      bodyLimit: 4096,
      schema: {
        body: z.object({ country: z.string().length(2).toUpperCase(), region: z.string().max(10).toUpperCase().optional(), shippingMethod: z.string().max(40).optional() }).strict(),
        response: { 200: QuoteDto },
      },
    },
    async (req) => {
      const q = await quote(deps, await usableCart(req), req.body, req.body.shippingMethod);
      const currency = services.storeSettings.currency;
      return { ...q, shippingOptions: q.shippingOptions.map((o) => ({ ...o, price: { amount: o.price, currency } })) };
    },
  );

  const CheckoutBody = z
    .object({
      email: z.string().trim().toLowerCase().email('must be an email address').max(254),
      address: AddressSchema,
      shippingMethod: z.string().min(1).max(40),
      payment: z.object({ card: z.string().regex(/^[0-9 -]{12,23}$|^pm_[A-Za-z0-9_]{4,200}$/, 'must be a card number (test gateway) or a payment method id') }).strict(),
    })
    .strict();

  app.post(
    '/api/checkout',
    {
      bodyLimit: 16 * 1024,
      config: { rateLimit: { max: services.config.RATE_LIMIT_CHECKOUTS_PER_MINUTE, timeWindow: 60_000 } },
      schema: {
        headers: IdempotencyKeyHeaders,
        body: CheckoutBody,
        response: CheckoutAnswers,
      },
    },
    async (req, reply) => {
      const cartId = await usableCart(req);
      if (!cartId) throw new HttpError(400, 'INVALID_DATA', 'cart: is empty');
      const key = req.headers['idempotency-key'];
      // Nothing done (priced, out of stock, invalid) frees the key, so a corrected retry can use it.
      return idempotent(db, reply, { scope: `checkout:${cartId}`, key, body: req.body }, async () =>
        checkoutResponse(
          await checkout(deps, { orderId: orderIdFor(cartId, key), cartId, accountId: req.account?.id ?? null, email: req.body.email, address: req.body.address, shippingMethod: req.body.shippingMethod, payment: { type: 'card', token: req.body.payment.card } }),
        ),
      );
    },
  );

  const ownOrder = async (req: FastifyRequest, id: string): Promise<OrderView> => {
    const order = await getOrder(db, id);
    // Not yours is "not found": an order id must not reveal that it exists.
    const mine = order && (order.accountId !== null ? req.account?.id === order.accountId : order.cartId !== null && order.cartId === cartIdOf(req));
    if (!order || !mine) throw notFound('Order');
    return order;
  };

  app.get('/api/orders/:id', { schema: { params: orderParams, response: { 200: OrderDto } } }, async (req) => orderDto(await ownOrder(req, req.params.id)));

  app.post('/api/orders/:id/confirm-payment', { schema: { params: orderParams, response: CheckoutAnswers } }, async (req, reply) => {
    const { status, body } = checkoutResponse(await confirmPayment(deps, await ownOrder(req, req.params.id)));
    // The typed reply cannot follow which status goes with which body; the response schemas still check both.
    return (reply as FastifyReply).code(status).send(body);
  });
};

function checkoutResponse(r: CheckoutResult): { status: number; body: unknown } {
  switch (r.outcome) {
    case 'paid':
      return { status: 201, body: { order: orderDto(r.order) } };
    case 'requires_action':
      return { status: 202, body: { order: orderDto(r.order), payment: { status: 'requires_action', clientSecret: r.clientSecret } } };
    case 'declined':
      return { status: 402, body: { error: { code: 'PAYMENT_DECLINED', message: `The payment was declined (${r.reason}); nothing was charged and your cart is unchanged` }, order: orderDto(r.order) } };
  }
}
