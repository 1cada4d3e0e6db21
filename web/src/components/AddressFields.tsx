// The shipping address as a fieldset. The country comes first because it decides the rest: US and Canadian
// addresses need a state or province (a select), and each country has its own postal-code format.
import { COUNTRY_CODES, COUNTRY_RULES, countryName, type AddressDraft } from '../address.ts';
import type { Address } from '../types.ts';
import { Field, SelectField } from './Field.tsx';

export type AddressErrors = Partial<Record<keyof Address, string>>;

export function AddressFields(props: {
  idPrefix: string;
  legend: string;
  value: AddressDraft;
  onChange(next: AddressDraft): void;
  errors: AddressErrors;
  disabled?: boolean;
}) {
  const { idPrefix, value, onChange, errors, disabled } = props;
  const rule = COUNTRY_RULES[value.country];
  const id = (f: keyof Address): string => `${idPrefix}-${f}`;
  const set = (f: keyof Address) => (e: { target: { value: string } }) => onChange({ ...value, [f]: e.target.value });
  const setCountry = (country: string): void => {
    const regions = COUNTRY_RULES[country]?.regions;
    // A state code means nothing in another country: keep free text only where the new country has no list.
    const region = regions ? (Object.hasOwn(regions, value.region) ? value.region : '') : COUNTRY_RULES[value.country]?.regions ? '' : value.region;
    onChange({ ...value, country, region });
  };
  const locales = navigator.languages;

  return (
    <fieldset className="form-section address-fields" disabled={disabled}>
      <legend>{props.legend}</legend>
      <SelectField id={id('country')} label="Country" autoComplete="shipping country" value={value.country} onChange={(e) => setCountry(e.target.value)} error={errors.country} required>
        {COUNTRY_CODES.map((c) => (
          <option key={c} value={c}>
            {countryName(c, locales)}
          </option>
        ))}
      </SelectField>
      <Field id={id('name')} label="Full name" autoComplete="shipping name" value={value.name} onChange={set('name')} error={errors.name} required maxLength={100} />
      <Field id={id('line1')} label="Address" autoComplete="shipping address-line1" value={value.line1} onChange={set('line1')} error={errors.line1} required maxLength={200} />
      <Field
        id={id('line2')}
        label="Apartment, suite, etc."
        optional
        autoComplete="shipping address-line2"
        value={value.line2}
        onChange={set('line2')}
        error={errors.line2}
        maxLength={200}
      />
      <div className="field-row">
        <Field id={id('city')} label="City" autoComplete="shipping address-level2" value={value.city} onChange={set('city')} error={errors.city} required maxLength={100} />
        {rule?.regions ? (
          <SelectField id={id('region')} label={rule.regionLabel ?? 'Region'} autoComplete="shipping address-level1" value={value.region} onChange={set('region')} error={errors.region} required>
            <option value="">Choose…</option>
            {Object.entries(rule.regions).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </SelectField>
        ) : (
          <Field id={id('region')} label="Region" optional autoComplete="shipping address-level1" value={value.region} onChange={set('region')} error={errors.region} maxLength={10} />
        )}
        <Field
          id={id('postalCode')}
          label="Postal code"
          hint={rule ? `For example ${rule.example}` : undefined}
          autoComplete="shipping postal-code"
          value={value.postalCode}
          onChange={set('postalCode')}
          error={errors.postalCode}
          required
          maxLength={20}
          className="field-short"
        />
      </div>
    </fieldset>
  );
}
