// Sent once per paid order, from the `order.placed` event.
import { format, type Currency } from '../../../domain/money.ts';
import type { OrderView } from '../../../databases/relational/orders.ts';
import { htmlLayout, type RenderedMail } from './layout.ts';

export function orderConfirmationMail(o: OrderView, shop: { shopName: string; shopUrl: string }): RenderedMail {
  const m = (amount: number): string => format({ amount, currency: o.currency as Currency });
  const lines = o.lines.map((l) => {
    const opts = Object.values(l.options).join(', ');
    return `${l.quantity} × ${l.title}${opts ? ` (${opts})` : ''} — ${m(l.total)}`;
  });
  const a = o.address;
  const address = [a.name, a.line1, a.line2, `${a.postalCode} ${a.city}${a.region ? `, ${a.region}` : ''}`, a.country].filter(Boolean).join(', ');
  const totals = [
    `Subtotal: ${m(o.subtotal)}`,
    `Shipping: ${o.shipping === 0 ? 'free' : m(o.shipping)}`,
    `${o.taxInclusive ? 'Including tax' : 'Tax'}: ${m(o.tax)}`,
    `Total paid: ${m(o.total)}`,
  ];
  const intro = `Thank you for your order #${o.number}. We have received your payment and are preparing it.`;
  const url = `${shop.shopUrl.replace(/\/+$/, '')}/orders/${o.id}`;
  const footer = `You receive this message because an order was placed at ${shop.shopName} with this address.`;
  return {
    subject: `${shop.shopName}: order #${o.number} confirmed`,
    text: [intro, lines.join('\n'), totals.join('\n'), `Shipping to: ${address}`, `Your order: ${url}`, footer].join('\n\n') + '\n',
    html: htmlLayout({ title: `Order #${o.number} confirmed`, paragraphs: [intro, ...lines, ...totals, `Shipping to: ${address}`], action: { label: 'View your order', url }, footer }),
  };
}
