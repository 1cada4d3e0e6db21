// The cart as a side drawer. A native modal <dialog>: showModal() makes the rest of the page inert, Esc closes
// it, and focus goes back to what opened it. Tab wraps from the last control to the first (the native dialog
// would let it leave for the browser's own UI).
import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { describeOptions, formatMoney } from '../format.ts';
import { Link } from '../router.tsx';
import { cartStore, useCart } from '../stores/cart.ts';
import type { CartLine } from '../types.ts';
import { QuantityStepper } from './QuantityStepper.tsx';

export function CartDrawer() {
  const { cart, open, busy, error } = useCart();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      void import('../pages/Checkout.tsx'); // warm the checkout chunk: "Check out" is the likely next click
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  // Esc and form-less closes arrive as the dialog's close event: tell the store, and hand focus back.
  const onClose = (): void => {
    cartStore.close();
    const back = opener.current;
    opener.current = null;
    if (back?.isConnected) back.focus();
  };
  // A click whose target is the dialog itself landed on the backdrop (the panel's content covers the box).
  const onClick = (e: MouseEvent<HTMLDialogElement>): void => {
    if (e.target === e.currentTarget) cartStore.close();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>): void => {
    if (e.key !== 'Tab') return;
    const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex="0"]')].filter(
      (el) => !el.hasAttribute('disabled') && el.offsetParent !== null,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const lines = cart?.lines ?? [];
  const locales = navigator.languages;
  return (
    <dialog ref={dialog} className="drawer" aria-labelledby="cart-title" onClose={onClose} onClick={onClick} onKeyDown={onKeyDown}>
      <div className="drawer-panel">
        <div className="drawer-head">
          <h2 id="cart-title" tabIndex={-1}>
            Your cart
          </h2>
          <button type="button" className="icon-button" onClick={() => cartStore.close()} aria-label="Close cart">
            <span aria-hidden="true">×</span>
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {lines.length === 0 ? (
          <div className="drawer-empty">
            <p>Your cart is empty.</p>
            <Link href="/" className="button button-secondary" onClick={() => cartStore.close()}>
              Browse the catalog
            </Link>
          </div>
        ) : (
          <ul className="cart-lines" aria-label="Items in your cart" aria-busy={busy}>
            {lines.map((l) => (
              <CartLineItem key={l.variantId} line={l} busy={busy} locales={locales} />
            ))}
          </ul>
        )}
        {cart && cart.unavailable.length > 0 && (
          <p className="note">
            {cart.unavailable.length === 1 ? 'One item is' : `${cart.unavailable.length} items are`} no longer sold and will not be ordered.
          </p>
        )}
        {cart && lines.length > 0 && (
          <div className="drawer-foot">
            <p className="subtotal">
              <span>Subtotal</span>
              <span data-testid="cart-subtotal">{formatMoney(cart.subtotal, locales)}</span>
            </p>
            <p className="note">Shipping and tax are worked out at checkout.</p>
            <Link href="/checkout" className="button button-block" onClick={() => cartStore.close()}>
              Check out
            </Link>
          </div>
        )}
      </div>
    </dialog>
  );
}

function CartLineItem({ line, busy, locales }: { line: CartLine; busy: boolean; locales: readonly string[] }) {
  const options = describeOptions(line.options);
  // The line (and the focused button with it) goes away: put focus on the drawer's heading, not on <body>.
  const remove = async (): Promise<void> => {
    if (busy) return;
    await cartStore.remove(line.variantId);
    document.getElementById('cart-title')?.focus();
  };
  return (
    <li className="cart-line">
      <div className="cart-line-info">
        <Link href={`/p/${encodeURIComponent(line.slug)}?variant=${encodeURIComponent(line.variantId)}`} className="cart-line-title" onClick={() => cartStore.close()}>
          {line.title}
        </Link>
        {options && <p className="cart-line-options">{options}</p>}
        <p className="cart-line-price">{formatMoney(line.unitPrice, locales)} each</p>
      </div>
      <div className="cart-line-controls">
        <QuantityStepper
          id={`qty-${line.variantId}`}
          label={`Quantity of ${line.title}`}
          value={line.quantity}
          busy={busy}
          onChange={(q) => void cartStore.setQuantity(line.variantId, q)}
        />
        <button type="button" className="link-button" onClick={remove} aria-disabled={busy}>
          Remove<span className="visually-hidden"> {line.title}</span>
        </button>
      </div>
      <p className="cart-line-total">{formatMoney(line.total, locales)}</p>
    </li>
  );
}
