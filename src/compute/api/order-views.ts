// The API's JSON shapes for orders, shared by the shopper's routes (commerce, account) and the merchant's
// (admin orders). Money is always { amount in integer minor units, currency }.
import { z } from 'zod';
import type { OrderHistoryEntry, OrderSummary, OrderView } from '../../databases/relational/orders.ts';
import { ORDER_STATUSES } from '../../domain/order.ts';
import { MoneyDto } from './views.ts';

export const OrderStatusDto = z.enum(ORDER_STATUSES as [string, ...string[]]);

export const OrderLineDto = z.object({
  variantId: z.string(),
  sku: z.string(),
  title: z.string(),
  options: z.record(z.string(), z.string()),
  quantity: z.number().int(),
  unitPrice: MoneyDto,
  total: MoneyDto,
});

export const OrderDto = z.object({
  id: z.string(),
  number: z.number().int(),
  status: OrderStatusDto,
  email: z.string(),
  lines: z.array(OrderLineDto),
  subtotal: MoneyDto,
  shipping: MoneyDto,
  tax: MoneyDto,
  taxInclusive: z.boolean(),
  total: MoneyDto,
  refunded: MoneyDto,
  shippingMethod: z.string(),
  address: z.record(z.string(), z.unknown()),
  fulfilment: z.object({ carrier: z.string(), trackingNumber: z.string(), fulfilledAt: z.string() }).nullable(),
  cancelledAt: z.string().nullable(),
  createdAt: z.string(),
});

export const OrderHistoryDto = z.object({ from: OrderStatusDto.nullable(), to: OrderStatusDto, at: z.string(), actor: z.string().nullable(), note: z.string().nullable() });
export const AdminOrderDto = OrderDto.extend({ history: z.array(OrderHistoryDto) });

export const OrderSummaryDto = z.object({ id: z.string(), number: z.number().int(), status: OrderStatusDto, email: z.string(), total: MoneyDto, itemCount: z.number().int(), createdAt: z.string() });
export const OrderPageDto = z.object({ items: z.array(OrderSummaryDto), nextCursor: z.string().nullable() });

export function orderDto(o: OrderView): z.infer<typeof OrderDto> {
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
    refunded: m(o.refunded),
    shippingMethod: o.shippingMethod,
    address: { ...o.address },
    fulfilment: o.carrier && o.trackingNumber && o.fulfilledAt ? { carrier: o.carrier, trackingNumber: o.trackingNumber, fulfilledAt: o.fulfilledAt.toISOString() } : null,
    cancelledAt: o.cancelledAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
  };
}

export function adminOrderDto(o: OrderView, history: readonly OrderHistoryEntry[]): z.infer<typeof AdminOrderDto> {
  return { ...orderDto(o), history: history.map((h) => ({ ...h, at: h.at.toISOString() })) };
}

export function orderPageDto(page: { items: readonly OrderSummary[]; nextBefore: number | null }): z.infer<typeof OrderPageDto> {
  return {
    items: page.items.map((o) => ({ id: o.id, number: o.number, status: o.status, email: o.email, total: { amount: o.total, currency: o.currency }, itemCount: o.itemCount, createdAt: o.createdAt.toISOString() })),
    nextCursor: page.nextBefore === null ? null : String(page.nextBefore),
  };
}

/** Query fields shared by both order lists: a page size and the opaque cursor from the previous page. */
export const OrderPageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page')
    .transform(Number)
    .optional(),
};
