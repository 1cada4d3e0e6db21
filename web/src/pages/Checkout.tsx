// '/checkout': contact, address, shipping method and card on one page, priced live by the quote endpoint.
// Paying posts once per attempt with its own Idempotency-Key; a retry of the very same submission after a
// network error reuses the key, so the shop answers it as the first try instead of charging again.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { COUNTRY_RULES, addressProblems, defaultCountry, emptyAddress, regionMissing, toAddress, toDraft, type AddressDraft } from '../address.ts';
import { ApiError, errorMessage, getAddresses, isNetworkError, newIdempotencyKey, placeOrder } from '../api.ts';
import { AddressFields, type AddressErrors } from '../components/AddressFields.tsx';
import { ConfirmPayment } from '../components/ConfirmPayment.tsx';
import { Field, FormError, SelectField, focusFirstInvalid } from '../components/Field.tsx';
import { TotalsList } from '../components/OrderParts.tsx';
import { ShippingMethods } from '../components/ShippingMethods.tsx';
import { Loading } from '../components/States.tsx';
import { describeOptions, fieldErrors, formatMoney } from '../format.ts';
import { Link, navigate, useTitle } from '../router.tsx';
import { cartStore, useCart } from '../stores/cart.ts';
import { useSession } from '../stores/session.ts';
import type { Cart, CheckoutRequest, Order, SavedAddress } from '../types.ts';
import { useQuote } from '../useQuote.ts';

/** The test gateway's cards (src/compute/payments/test-provider.ts TEST_CARDS). */
const TEST_CARD_HINT = 'Test payments: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, 4000 0025 0000 3155 asks for an extra confirmation step.';

export function Checkout() {
  useTitle('Checkout');
  const { cart } = useCart();
  const [pending, setPending] = useState<Order | null>(null);

  const paid = (order: Order): void => {
    navigate(`/orders/${encodeURIComponent(order.id)}`);
    void cartStore.refresh(); // the shop emptied the cart when the order was paid
  };

  if (pending) return <ConfirmPayment order={pending} onPaid={paid} onDeclined={() => setPending(null)} />;
  if (cart === null) return <Loading label="Loading your cart…" />;
  if (cart.lines.length === 0) {
    return (
      <section className="narrow" aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <p>Your cart is empty.</p>
        <Link href="/" className="button">
          Browse the catalog
        </Link>
      </section>
    );
  }
  return (
    <>
      <h1>Checkout</h1>
      <CheckoutForm cart={cart} onPaid={paid} onRequiresAction={setPending} />
    </>
  );
}

type Errors = Record<string, string>;

function CheckoutForm({ cart, onPaid, onRequiresAction }: { cart: Cart; onPaid(o: Order): void; onRequiresAction(o: Order): void }) {
  const session = useSession();
  const [email, setEmail] = useState('');
  const [address, setAddress] = useState<AddressDraft>(() => emptyAddress(defaultCountry(navigator.languages)));
  const [method, setMethod] = useState('');
  const [card, setCard] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);

  const signedIn = session.status === 'signed-in' ? session.account : null;
  useEffect(() => {
    if (signedIn) setEmail((e) => e || signedIn.email);
  }, [signedIn]);

  const quote = useQuote({ country: address.country, region: address.region.trim().toUpperCase(), method }, `${cart.itemCount}:${cart.subtotal.amount}`);
  const options = quote.quote?.shippingOptions ?? null;
  const chosen = method || quote.quote?.shippingMethod || '';
  useEffect(() => {
    if (!method && quote.quote?.shippingMethod) setMethod(quote.quote.shippingMethod);
  }, [method, quote.quote]);
  // A method arrived (picked, or the quote's first) after "choose a method" was shown: that error is stale.
  useEffect(() => {
    if (chosen) setErrors((e) => (e.shippingMethod ? { ...e, shippingMethod: '' } : e));
  }, [chosen]);

  const changeAddress = (next: AddressDraft): void => {
    if (next.country !== address.country) setMethod(''); // methods differ per country: take the new first one
    setAddress(next);
  };

  const validate = (): Errors => {
    const out: Errors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) out.email = 'Enter an email address, like name@example.com';
    for (const [f, msg] of Object.entries(addressProblems(address))) out[`address.${f}`] = msg;
    if (!chosen) out.shippingMethod = 'Choose a shipping method';
    const digits = card.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits)) out['payment.card'] = 'Enter the card number (12 to 19 digits)';
    return out;
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (submitting) return;
    const problems = validate();
    setErrors(problems);
    setFormError(null);
    if (Object.keys(problems).length > 0) {
      setFormError('Please check the highlighted fields.');
      focusFirstInvalid(form.current);
      return;
    }
    const req: CheckoutRequest = { email: email.trim(), address: toAddress(address), shippingMethod: chosen, payment: { card: card.trim() } };
    const body = JSON.stringify(req);
    const key = attempt.current?.body === body ? attempt.current.key : newIdempotencyKey();
    attempt.current = { key, body };
    setSubmitting(true);
    try {
      const { status, body: answer } = await placeOrder(req, key);
      attempt.current = null;
      if (status === 202) onRequiresAction(answer.order);
      else onPaid(answer.order);
    } catch (err) {
      // Only an attempt whose outcome is unknown may be sent again under the same key.
      const unknownOutcome = isNetworkError(err) || (err instanceof ApiError && err.code === 'IN_PROGRESS');
      if (!unknownOutcome) attempt.current = null;
      showError(err);
    } finally {
      setSubmitting(false);
    }
  };

  const showError = (err: unknown): void => {
    if (err instanceof ApiError && err.status === 402) {
      setErrors({ 'payment.card': err.message });
      focusFirstInvalid(form.current);
      return;
    }
    if (err instanceof ApiError && err.status === 400) {
      const { fields, other } = fieldErrors(err.message);
      const known: Errors = {};
      const rest = [...other];
      for (const [path, msg] of Object.entries(fields)) {
        if (FIELD_PATHS.has(path)) known[path] = msg;
        else rest.push(`${path}: ${msg}`);
      }
      setErrors(known);
      setFormError(rest.length > 0 ? rest.join('; ') : 'Please check the highlighted fields.');
      if (Object.keys(known).length > 0) focusFirstInvalid(form.current);
      return;
    }
    if (err instanceof ApiError && (err.code === 'OUT_OF_STOCK' || err.code === 'UNAVAILABLE')) void cartStore.refresh();
    setFormError(errorMessage(err));
  };

  const addressErrors: AddressErrors = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith('address.')) addressErrors[k.slice(8) as keyof AddressErrors] = v;
  // US and Canadian tax depends on the state or province: until one is chosen the quote's total is not final.
  const taxPending = regionMissing(address);
  const total = taxPending ? undefined : quote.quote?.totals?.total;
  const regionLabel = COUNTRY_RULES[address.country]?.regionLabel?.toLowerCase() ?? 'region';

  return (
    <div className="checkout">
      <form ref={form} className="checkout-form" noValidate onSubmit={(e) => void submit(e)} aria-label="Checkout" aria-describedby={formError ? 'checkout-error' : undefined}>
        <fieldset className="form-section" disabled={submitting}>
          <legend>Contact</legend>
          <Field
            id="email"
            label="Email"
            type="email"
            autoComplete="email"
            hint="We send the order confirmation here."
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
            required
            maxLength={254}
          />
        </fieldset>
        {signedIn && <SavedAddressPicker onPick={(a) => changeAddress(toDraft(a))} />}
        <AddressFields idPrefix="ship" legend="Shipping address" value={address} onChange={changeAddress} errors={addressErrors} disabled={submitting} />
        <ShippingMethods options={options} value={chosen} onChange={setMethod} error={errors.shippingMethod} loading={quote.loading} />
        <fieldset className="form-section" disabled={submitting}>
          <legend>Payment</legend>
          <Field
            id="card"
            label="Card number"
            inputMode="numeric"
            autoComplete="cc-number"
            hint={TEST_CARD_HINT}
            value={card}
            onChange={(e) => setCard(e.target.value)}
            error={errors['payment.card']}
            required
            maxLength={23}
          />
        </fieldset>
        <FormError id="checkout-error" message={formError} />
        <button type="submit" className="button button-block" aria-disabled={submitting || undefined} data-testid="pay">
          {submitting ? 'Paying…' : total ? `Pay ${formatMoney(total, navigator.languages)}` : 'Place order'}
        </button>
      </form>
      <CheckoutSummary cart={cart} quote={quote} taxNote={taxPending ? `Choose a ${regionLabel}` : undefined} />
    </div>
  );
}

const FIELD_PATHS = new Set(['email', 'shippingMethod', 'payment.card', ...['name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country'].map((f) => `address.${f}`)]);

function CheckoutSummary({ cart, quote, taxNote }: { cart: Cart; quote: ReturnType<typeof useQuote>; taxNote?: string }) {
  const locales = navigator.languages;
  return (
    <aside className="checkout-summary panel" aria-labelledby="summary-title">
      <h2 id="summary-title">Order summary</h2>
      <ul className="order-lines" aria-label="Items">
        {cart.lines.map((l) => (
          <li key={l.variantId} className="order-line">
            <div>
              <p className="order-line-title">{l.title}</p>
              {Object.keys(l.options).length > 0 && <p className="order-line-meta">{describeOptions(l.options)}</p>}
              <p className="order-line-meta">Quantity {l.quantity}</p>
            </div>
            <p className="order-line-total">{formatMoney(l.total, locales)}</p>
          </li>
        ))}
      </ul>
      <div aria-live="polite" aria-busy={quote.loading}>
        {quote.quote?.totals ? <TotalsList totals={quote.quote.totals} taxNote={taxNote} /> : quote.loading ? <p className="note">Working out shipping and tax…</p> : null}
        {quote.error && <p className="field-error">{quote.error}</p>}
      </div>
    </aside>
  );
}

/** For signed-in shoppers: fill the form from an address book entry (the default one at first). */
function SavedAddressPicker({ onPick }: { onPick(a: SavedAddress['address']): void }) {
  const [items, setItems] = useState<readonly SavedAddress[]>([]);
  const [picked, setPicked] = useState('');
  useEffect(() => {
    const ac = new AbortController();
    getAddresses(ac.signal).then(
      ({ items: list }) => {
        setItems(list);
        const def = list.find((a) => a.isDefault);
        if (def) {
          setPicked(def.id);
          onPick(def.address);
        }
      },
      () => undefined, // the address book is a convenience: checkout works without it
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the form opens
  }, []);
  if (items.length === 0) return null;
  return (
    <div className="form-section">
      <SelectField
        id="saved-address"
        label="Saved addresses"
        value={picked}
        onChange={(e) => {
          setPicked(e.target.value);
          const hit = items.find((a) => a.id === e.target.value);
          if (hit) onPick(hit.address);
        }}
      >
        <option value="">Enter a new address</option>
        {items.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
            {a.isDefault ? ' (default)' : ''}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
