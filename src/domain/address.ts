// Postal addresses, checked per country: the fields a carrier needs and the postal-code format each country uses.
// A wrong address caught at checkout costs nothing; one caught by the carrier costs a parcel.
import { z } from 'zod';
import { COUNTRY_RULES } from './address-rules.ts';

export { COUNTRY_RULES };

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
