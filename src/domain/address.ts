// Postal addresses, checked per country: the fields a carrier needs and the postal-code format each country uses.
// A wrong address caught at checkout costs nothing; one caught by the carrier costs a parcel.
import { z } from 'zod';

interface CountryRule {
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

const line = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const AddressSchema = z
  .object({
    name: line(100),
    line1: line(200),
    line2: z.string().trim().max(200).optional(),
    city: line(100),
    region: z.string().trim().toUpperCase().max(10).optional(),
    postalCode: line(20),
    country: z.string().trim().toUpperCase().length(2, 'must be a two-letter ISO country code'),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number').optional(),
  })
  .superRefine((a, ctx) => {
    const rule = COUNTRY_RULES[a.country];
    if (!rule) {
      ctx.addIssue({ code: 'custom', path: ['country'], message: `${a.country} is not a country we ship to` });
      return;
    }
    if (!rule.postal.test(a.postalCode)) {
      ctx.addIssue({ code: 'custom', path: ['postalCode'], message: `is not a valid ${a.country} postal code (e.g. ${rule.example})` });
    }
    if (rule.regions && (!a.region || !rule.regions.includes(a.region))) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `must be a ${a.country} state or province code (e.g. ${rule.regions[0]})` });
    }
  });

export type Address = z.infer<typeof AddressSchema>;
