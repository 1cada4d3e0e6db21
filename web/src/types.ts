// Shapes of the storefront API's JSON (see the API server). Kept here, not imported from src/, so the
// browser bundle never pulls server code.

export interface Money {
  readonly amount: number; // integer minor units
  readonly currency: string; // ISO 4217
}

export interface CategorySummary {
  readonly slug: string;
  readonly name: string;
  readonly productCount: number;
}

export interface ProductSummary {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly category: string;
  readonly price: Money; // lowest variant price
  readonly poster: string | null; // null until the product's 3D asset is processed
  readonly model: { readonly glb: string } | null;
}

export interface ProductPage {
  readonly items: readonly ProductSummary[];
  readonly nextCursor?: string;
}

export interface ProductOption {
  readonly name: string;
  readonly values: readonly string[];
}

export interface Variant {
  readonly id: string;
  readonly sku: string;
  readonly options: Readonly<Record<string, string>>;
  readonly price: Money;
  readonly stock: number;
  readonly materialVariant?: string;
}

export interface Dimensions {
  readonly width: number; // metres
  readonly height: number;
  readonly depth: number;
}

export interface ProductModel {
  readonly glb: string;
  readonly poster: string | null;
  readonly usdz?: string;
  readonly dimensions: Dimensions | null;
  readonly variants: readonly string[]; // KHR_materials_variants names
}

export interface ProductDetail {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly price: Money;
  readonly poster: string | null;
  readonly options: readonly ProductOption[];
  readonly variants: readonly Variant[];
  readonly model: ProductModel | null;
  readonly credit?: string;
}
