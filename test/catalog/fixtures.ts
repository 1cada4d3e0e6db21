// Test data for the catalog tests (a helper, not a test).
import { randomUUID } from 'node:crypto';
import type { Asset3D, Category, Product } from '../../src/domain/catalog.ts';

/** A short unique suffix so tests sharing one table never see each other's items. */
export function uid(): string {
  return randomUUID().slice(0, 8);
}

export function product(overrides: Partial<Product> & Pick<Product, 'id'>): Product {
  return {
    slug: `product-${overrides.id}`,
    title: `Product ${overrides.id}`,
    description: '',
    category: 'chairs',
    status: 'published',
    options: [{ name: 'Colour', values: ['Oak', 'Walnut'] }],
    variants: [
      { id: `${overrides.id}-oak`, sku: `${overrides.id}-OAK`, options: { Colour: 'Oak' }, price: { amount: 12_900, currency: 'USD' } },
      { id: `${overrides.id}-wal`, sku: `${overrides.id}-WAL`, options: { Colour: 'Walnut' }, price: { amount: 14_900, currency: 'USD' }, materialVariant: 'walnut' },
    ],
    rank: 0,
    version: 0,
    createdAt: '',
    updatedAt: '',
    ...overrides,
  };
}

export function withPrice(p: Product, amount: number): Product {
  return { ...p, variants: p.variants.map((v, i) => (i === 0 ? { ...v, price: { ...v.price, amount } } : v)) };
}

export function category(overrides: Partial<Category> & Pick<Category, 'slug'>): Category {
  return { name: `Category ${overrides.slug}`, rank: 0, version: 0, updatedAt: '', ...overrides };
}

export function asset(overrides: Partial<Asset3D> & Pick<Asset3D, 'id'>): Asset3D {
  return { status: 'pending', materialVariants: [], version: 0, updatedAt: '', ...overrides };
}

/** Waits until `check` holds, polling; fails with `what` if it still does not after `timeoutMs` (a bound, not a measurement). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
