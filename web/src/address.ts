// The address form's rules: the server's own (src/domain/address-rules.ts, dependency-free, so bundling it costs
// nothing) with display names added, so the form can say what is wrong before a round trip. The server stays the
// authority and its messages are shown too.
import { COUNTRY_RULES as SERVER_RULES } from '../../src/domain/address-rules.ts';
import type { Address } from './types.ts';

/** Display names for the subdivisions the rules require (the codes and formats come from the server's rules). */
const REGION_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  US: {
    AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
    DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois',
    IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland',
    MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana',
    NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York',
    NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania',
    RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah',
    VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
  },
  CA: {
    AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
    NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island',
    QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
  },
};
const REGION_LABELS: Readonly<Record<string, string>> = { US: 'State', CA: 'Province' };

interface CountryRule {
  readonly postal: RegExp;
  readonly example: string;
  /** Required subdivisions: code → name. */
  readonly regions?: Readonly<Record<string, string>>;
  readonly regionLabel?: string;
}

export const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = Object.fromEntries(
  Object.entries(SERVER_RULES).map(([code, r]) => [
    code,
    {
      postal: r.postal,
      example: r.example,
      regions: r.regions && Object.fromEntries(r.regions.map((c) => [c, REGION_NAMES[code]?.[c] ?? c])),
      regionLabel: REGION_LABELS[code],
    },
  ]),
);

export const COUNTRY_CODES = Object.keys(COUNTRY_RULES);

export function countryName(code: string, locale?: string | readonly string[]): string {
  try {
    return new Intl.DisplayNames(locale as string | string[] | undefined, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The shopper's country from the browser's language ("en-GB" → GB) when the shop ships there, else the US. */
export function defaultCountry(languages: readonly string[]): string {
  for (const l of languages) {
    const region = /-([A-Z]{2})$/i.exec(l)?.[1]?.toUpperCase();
    if (region && COUNTRY_RULES[region]) return region;
  }
  return 'US';
}

export type AddressDraft = { -readonly [K in keyof Address]-?: string };

export const emptyAddress = (country: string): AddressDraft => ({ name: '', line1: '', line2: '', city: '', region: '', postalCode: '', country, phone: '' });

export const toDraft = (a: Address): AddressDraft => ({
  name: a.name,
  line1: a.line1,
  line2: a.line2 ?? '',
  city: a.city,
  region: a.region ?? '',
  postalCode: a.postalCode,
  country: a.country,
  phone: a.phone ?? '',
});

/** The draft as the API wants it: trimmed, empty optional fields left out. */
export function toAddress(d: AddressDraft): Address {
  const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());
  return {
    name: d.name.trim(),
    line1: d.line1.trim(),
    line2: opt(d.line2),
    city: d.city.trim(),
    region: opt(d.region)?.toUpperCase(),
    postalCode: d.postalCode.trim(),
    country: d.country,
    phone: opt(d.phone),
  };
}

const REQUIRED = [
  ['name', 'Enter the full name of the person receiving the parcel'],
  ['line1', 'Enter the street address'],
  ['city', 'Enter the city or town'],
  ['postalCode', 'Enter the postal code'],
] as const;

/** Whether the country needs a state or province that has not been chosen yet (tax may depend on it). */
export function regionMissing(d: Pick<AddressDraft, 'country' | 'region'>): boolean {
  const regions = COUNTRY_RULES[d.country]?.regions;
  return !!regions && !Object.hasOwn(regions, d.region.trim().toUpperCase());
}

/** Problems per field, in the server's words where it has them. Empty when the address looks deliverable. */
export function addressProblems(d: AddressDraft): Partial<Record<keyof Address, string>> {
  const out: Partial<Record<keyof Address, string>> = {};
  for (const [f, msg] of REQUIRED) if (d[f].trim() === '') out[f] = msg;
  const rule = COUNTRY_RULES[d.country];
  if (!rule) {
    out.country = 'is not a country we ship to';
    return out;
  }
  if (!out.postalCode && !rule.postal.test(d.postalCode.trim())) out.postalCode = `is not a valid ${d.country} postal code (e.g. ${rule.example})`;
  if (rule.regions && !Object.hasOwn(rule.regions, d.region.trim().toUpperCase())) out.region = `Choose a ${rule.regionLabel?.toLowerCase() ?? 'region'}`;
  if (d.phone.trim() !== '' && !/^\+?[0-9 ()-]{6,20}$/.test(d.phone.trim())) out.phone = 'must be a phone number';
  return out;
}

/** One line per part of the address, for display. */
export function addressLines(a: Address, locale?: string | readonly string[]): string[] {
  return [a.name, a.line1, a.line2, [a.city, a.region, a.postalCode].filter(Boolean).join(' '), countryName(a.country, locale)].filter(
    (l): l is string => !!l,
  );
}
