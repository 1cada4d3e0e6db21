// The API's JSON shapes for orders, shared by the shopper's routes (commerce, account) and the merchant's
// (admin orders). Money is always { amount in integer minor units, currency }.
import { z } from 'zod';
import type { OrderView } from '../../databases/relational/orders.ts';
import { MoneyDto } from './views.ts';

export const OrderLineDto = z.object({
  variantId: z.string(),
  sku: z.string(),
  title: z.string(),
  options: z.record(z.string(), z.string()),
  quantity: z.number().int(),
  unitPrice: MoneyDto,
  total: MoneyDto,
});

export function orderDto(o: OrderView) {
  const m = (amount: number) => ({ amount, currency: o.currency });
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    email: o.email,
    lines: o.lines.map((l) => ({ variantId: l.variantId, sku: l.sku, title: l.title, options: l.options, quantity: l.quantity, unitPrice: m(l.unitPrice), total: m(l.total) })),
    subtotal: m(o.subtotal),
    shipping: m(o.shipping),
    tax: m(o.tax),
    taxInclusive: o.taxInclusive,
    total: m(o.total),
    shippingMethod: o.shippingMethod,
    address: o.address,
    createdAt: o.createdAt.toISOString(),
  };
}
