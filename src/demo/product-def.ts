// What one demo product is made of before generation: catalog data plus a function that builds its 3D model.
import type { ProductOption } from '../domain/catalog.ts';
import type { Model } from './model.ts';
import type { PosterView } from './poster.ts';

export type CategorySlug = 'furniture' | 'lighting' | 'gadgets' | 'home' | 'fashion';

export interface ProductDef {
  readonly slug: string;
  readonly title: string;
  readonly description: string; // plain text, 2-3 sentences
  readonly category: CategorySlug;
  readonly options: readonly ProductOption[];
  /** The option whose values are the model's KHR_materials_variants names (same strings, same order). */
  readonly variantOption?: string;
  /** Price of the cheapest combination, in USD cents; other currencies are derived in index.ts. */
  readonly price: number;
  /** Extra cost per option value, in USD cents (e.g. { Walnut: 2000, L: 500 }). */
  readonly surcharge?: Readonly<Record<string, number>>;
  readonly view?: PosterView;
  build(): Model;
}
