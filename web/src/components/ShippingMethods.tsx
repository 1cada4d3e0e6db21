// The shipping methods the quote offers for the address's country, as a radio group.
import { formatMoney } from '../format.ts';
import type { ShippingOption } from '../types.ts';

export function ShippingMethods(props: {
  options: readonly ShippingOption[] | null; // null: not quoted yet
  value: string;
  onChange(id: string): void;
  error?: string;
  loading: boolean;
}) {
  const { options, value, onChange, error, loading } = props;
  const locales = navigator.languages;
  return (
    <fieldset className="form-section" aria-describedby={error ? 'shippingMethod-error' : undefined} aria-busy={loading}>
      <legend>Shipping method</legend>
      {options === null && <p className="note">{loading ? 'Finding shipping methods…' : 'Choose a country to see shipping methods.'}</p>}
      {options?.length === 0 && <p className="note">We do not ship to this country yet.</p>}
      {options && options.length > 0 && (
        <div className="radio-list" id="shippingMethod">
          {options.map((o) => (
            <label key={o.id} className="radio-card">
              <input type="radio" name="shippingMethod" value={o.id} checked={o.id === value} onChange={() => onChange(o.id)} aria-invalid={error ? true : undefined} />
              <span className="radio-card-name">{o.name}</span>
              <span className="radio-card-price">{o.price.amount === 0 ? 'Free' : formatMoney(o.price, locales)}</span>
            </label>
          ))}
        </div>
      )}
      {error && (
        <p id="shippingMethod-error" className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
