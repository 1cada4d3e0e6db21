// The merchant's dashboard in one request: sales per day, top products, the funnel from product views to carts to
// orders, and what the 3D pipeline saved. Each part is one query (the catalog's part a pass over memory), run side
// by side, so the page costs one round trip and a constant number of queries whatever the range or the catalog.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { funnel, salesByDay, topProducts } from '../../../databases/relational/dashboard.ts';
import { assetSavings, DASHBOARD_RANGES, dayWindow, fillDays, type DashboardRange } from '../../../domain/dashboard.ts';
import { requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

const TOP_PRODUCTS = 5;
const RANGES = Object.keys(DASHBOARD_RANGES) as [DashboardRange, ...DashboardRange[]];

const DashboardDto = z.object({
  range: z.enum(RANGES),
  /** The first and last UTC day covered. */
  from: z.string(),
  to: z.string(),
  /** Every amount below is in minor units of this currency (the store's). */
  currency: z.string(),
  sales: z.array(z.object({ day: z.string(), orders: z.number().int(), revenue: z.number().int() })),
  totals: z.object({ orders: z.number().int(), revenue: z.number().int() }),
  topProducts: z.array(z.object({ productId: z.string(), title: z.string(), units: z.number().int(), revenue: z.number().int() })),
  funnel: z.object({ views: z.number().int(), carts: z.number().int(), orders: z.number().int() }),
  assets: z.object({
    processed: z.number().int(),
    unmeasured: z.number().int(),
    sourceBytes: z.number().int(),
    optimizedBytes: z.number().int(),
  }),
});

export const adminDashboardRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db, catalog } = services;
  const currency = services.config.CURRENCY;
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get(
    '/api/admin/dashboard',
    {
      // The sales figures are the order desk's: whoever may read every order.
      preHandler: requirePermission('orders:read-any'),
      schema: {
        querystring: z.object({ range: z.enum(RANGES, { message: `must be one of ${RANGES.join(', ')}` }).default('30d') }).strict(),
        response: { 200: DashboardDto },
      },
    },
    async (req) => {
      const range = req.query.range;
      const window = dayWindow(DASHBOARD_RANGES[range], new Date());
      const w = { from: window.from, fromDay: window.days[0]!, currency };
      const [daily, top, steps] = await Promise.all([salesByDay(db, w), topProducts(db, w, TOP_PRODUCTS), funnel(db, w)]);
      const sales = fillDays(window, daily);
      return {
        range,
        from: window.days[0]!,
        to: window.days[window.days.length - 1]!,
        currency,
        sales,
        totals: { orders: sales.reduce((n, d) => n + d.orders, 0), revenue: sales.reduce((n, d) => n + d.revenue, 0) },
        // The catalog's current title (a product renamed since shows its new name), else the one sold.
        topProducts: top.map((p) => ({ ...p, title: catalog.productById(p.productId)?.title ?? p.title })),
        funnel: steps,
        assets: assetSavings(catalog.allAssets()),
      };
    },
  );
};
