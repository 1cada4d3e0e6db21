// Pieces of an order shared by the checkout summary, the shopper's order page and the merchant's order page.
import { addressLines } from '../address.ts';
import { describeOptions, formatDate, formatMoney, statusLabel } from '../format.ts';
import type { Address, Fulfilment, Money, Order, OrderLine, OrderStatus, Totals } from '../types.ts';

const locales = (): readonly string[] => navigator.languages;

/** `taxNote` stands in for tax and total while they are not final (checkout, before the state is chosen). */
export function TotalsList({ totals, refunded, taxNote }: { totals: Totals; refunded?: Money; taxNote?: string }) {
  const l = locales();
  return (
    <dl className="totals" data-testid="totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{formatMoney(totals.subtotal, l)}</dd>
      </div>
      <div>
        <dt>Shipping</dt>
        <dd>{totals.shipping.amount === 0 ? 'Free' : formatMoney(totals.shipping, l)}</dd>
      </div>
      <div>
        <dt>{totals.taxInclusive ? 'Tax (included)' : 'Tax'}</dt>
        <dd>{taxNote ?? formatMoney(totals.tax, l)}</dd>
      </div>
      <div className="totals-total">
        <dt>Total</dt>
        <dd data-testid="total">{taxNote ? `${formatMoney(totals.total, l)} + tax` : formatMoney(totals.total, l)}</dd>
      </div>
      {refunded && refunded.amount > 0 && (
        <div>
          <dt>Refunded</dt>
          <dd>−{formatMoney(refunded, l)}</dd>
        </div>
      )}
    </dl>
  );
}

export function OrderLines({ lines, caption = 'Items' }: { lines: readonly OrderLine[]; caption?: string }) {
  const l = locales();
  return (
    <ul className="order-lines" aria-label={caption}>
      {lines.map((line) => {
        const options = describeOptions(line.options);
        return (
          <li key={line.variantId} className="order-line">
            <div>
              <p className="order-line-title">{line.title}</p>
              {options && <p className="order-line-meta">{options}</p>}
              <p className="order-line-meta">
                {line.quantity} × {formatMoney(line.unitPrice, l)} · SKU {line.sku}
              </p>
            </div>
            <p className="order-line-total">{formatMoney(line.total, l)}</p>
          </li>
        );
      })}
    </ul>
  );
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-${status}`}>{statusLabel(status)}</span>;
}

export function AddressBlock({ address }: { address: Address }) {
  return (
    <address className="address-block">
      {addressLines(address, locales()).map((line, i) => (
        <span key={i}>{line}</span>
      ))}
    </address>
  );
}

export function Tracking({ fulfilment }: { fulfilment: Fulfilment }) {
  return (
    <dl className="facts" data-testid="tracking">
      <div>
        <dt>Carrier</dt>
        <dd>{fulfilment.carrier}</dd>
      </div>
      <div>
        <dt>Tracking number</dt>
        <dd className="mono">{fulfilment.trackingNumber}</dd>
      </div>
      <div>
        <dt>Shipped</dt>
        <dd>{formatDate(fulfilment.fulfilledAt, locales())}</dd>
      </div>
    </dl>
  );
}

/** Lines, totals, where it goes and how: the body of an order page. */
export function OrderBody({ order }: { order: Order }) {
  return (
    <div className="order-body">
      <section aria-labelledby="order-items" className="panel">
        <h2 id="order-items">Items</h2>
        <OrderLines lines={order.lines} />
        <TotalsList totals={order} refunded={order.refunded} />
      </section>
      <section aria-labelledby="order-delivery" className="panel">
        <h2 id="order-delivery">Delivery</h2>
        <AddressBlock address={order.address} />
        <p>
          <span className="label">Shipping</span> {humanize(order.shippingMethod)}
        </p>
        <p>
          <span className="label">Confirmation sent to</span> {order.email}
        </p>
        {order.fulfilment ? <Tracking fulfilment={order.fulfilment} /> : null}
      </section>
    </div>
  );
}

export function humanize(id: string): string {
  return id.replace(/[-_]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
