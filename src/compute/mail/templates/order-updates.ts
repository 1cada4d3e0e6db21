// Sent when a merchant acts on an order: it shipped (with the carrier and tracking number), it was cancelled, or
// money was refunded.
import { format, type Currency } from '../../../domain/money.ts';
import type { OrderView } from '../../../databases/relational/orders.ts';
import { htmlLayout, type RenderedMail } from './layout.ts';

type Shop = { shopName: string; shopUrl: string };

function mail(o: OrderView, shop: Shop, subject: string, paragraphs: string[]): RenderedMail {
  const url = `${shop.shopUrl.replace(/\/+$/, '')}/orders/${o.id}`;
  const footer = `You receive this message about order #${o.number} placed at ${shop.shopName} with this address.`;
  return {
    subject: `${shop.shopName}: ${subject}`,
    text: [...paragraphs, `Your order: ${url}`, footer].join('\n\n') + '\n',
    html: htmlLayout({ title: subject, paragraphs, action: { label: 'View your order', url }, footer }),
  };
}

export function shippingConfirmationMail(o: OrderView, shop: Shop): RenderedMail {
  const items = o.lines.map((l) => `${l.quantity} × ${l.title}`);
  return mail(o, shop, `order #${o.number} has shipped`, [
    `Good news: your order #${o.number} is on its way.`,
    `Carrier: ${o.carrier ?? 'unknown'}`,
    `Tracking number: ${o.trackingNumber ?? 'unknown'}`,
    ...items,
  ]);
}

export function cancellationMail(o: OrderView, shop: Shop): RenderedMail {
  const paid = o.refunded > 0;
  return mail(o, shop, `order #${o.number} was cancelled`, [
    `Your order #${o.number} was cancelled.`,
    paid ? `${format({ amount: o.refunded, currency: o.currency as Currency })} is being refunded to your original payment method.` : 'You were not charged for it.',
  ]);
}

export function refundMail(o: OrderView, refund: { amount: number }, shop: Shop): RenderedMail {
  const amount = format({ amount: refund.amount, currency: o.currency as Currency });
  return mail(o, shop, `refund of ${amount} for order #${o.number}`, [
    `We have refunded ${amount} for your order #${o.number} to your original payment method.`,
    'Depending on your bank, it can take 5 to 10 days to appear on your statement.',
  ]);
}
