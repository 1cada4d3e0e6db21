// Which countries the shop ships to and what a valid postal code (and, where needed, a state or province) is in
// each. Dependency-free on purpose: the server's schema (address.ts) and the storefront's form (web/src/address.ts)
// both use these rules, so the form says what the server would say, before the round trip.

export interface CountryRule {
  readonly postal: RegExp;
  readonly example: string;
  /** Subdivision codes that must be given (US states, Canadian provinces), or undefined when none is required. */
  readonly regions?: readonly string[];
}

const US_STATES = 'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'.split(' ');
const CA_PROVINCES = 'AB BC MB NB NL NS NT NU ON PE QC SK YT'.split(' ');

export const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = {
  US: { postal: /^\d{5}(-\d{4})?$/, example: '94107', regions: US_STATES },
  CA: { postal: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, example: 'K1A 0B1', regions: CA_PROVINCES },
  GB: { postal: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, example: 'SW1A 1AA' },
  DE: { postal: /^\d{5}$/, example: '10115' },
  FR: { postal: /^\d{5}$/, example: '75001' },
  NL: { postal: /^\d{4} ?[A-Z]{2}$/i, example: '1012 AB' },
  ES: { postal: /^\d{5}$/, example: '28001' },
  IT: { postal: /^\d{5}$/, example: '00184' },
  SE: { postal: /^\d{3} ?\d{2}$/, example: '114 55' },
  JP: { postal: /^\d{3}-?\d{4}$/, example: '100-0001' },
  AU: { postal: /^\d{4}$/, example: '2000' },
};
