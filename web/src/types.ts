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
  readonly poster: string | null; // its first product's poster
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

export interface FacetValue {
  readonly value: string;
  readonly count: number;
}

/** Counted over the category with every filter applied except the facet's own. */
export interface Facets {
  readonly price: { readonly min: number; readonly max: number; readonly currency: string } | null;
  readonly options: readonly { readonly name: string; readonly values: readonly FacetValue[] }[];
  readonly inStock: number;
}

export interface ProductPage {
  readonly items: readonly ProductSummary[];
  readonly nextCursor?: string;
  /** First page only: products matching the filters in all pages, and the facets. */
  readonly total?: number;
  readonly facets?: Facets;
}

export interface SearchAnswer {
  readonly items: readonly ProductSummary[];
  /** When nothing matched: a nearby query that finds something. */
  readonly suggestion?: string;
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

/** What the model's licence asks to show (CC-BY: author, licence, a link to it). */
export interface ModelCredit {
  readonly author: string;
  readonly licence: string;
  readonly url?: string; // the licence's text
}

/** A labelled point the merchant placed on the model: model coordinates in metres, as model-viewer takes them. */
export interface Hotspot {
  readonly id: string;
  readonly label: string;
  readonly position: readonly [number, number, number];
  readonly normal: readonly [number, number, number];
}

export interface ProductModel {
  readonly glb: string;
  readonly poster: string | null;
  readonly usdz?: string;
  readonly dimensions: Dimensions | null;
  readonly variants: readonly string[]; // KHR_materials_variants names
  readonly credit?: ModelCredit;
  /** Older API answers may lack it: treat as none. */
  readonly hotspots?: readonly Hotspot[];
}

export interface ProductDetail {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  /** The merchant's Markdown as written. */
  readonly description: string;
  /** The description as HTML, sanitised by the API (no script, handler or script URL): inserted as it is. */
  readonly descriptionHtml?: string;
  readonly category: string;
  readonly price: Money;
  readonly poster: string | null;
  readonly options: readonly ProductOption[];
  readonly variants: readonly Variant[];
  readonly model: ProductModel | null;
  /** The merchant's photos and videos in their order (older API answers may lack it: none). */
  readonly media?: readonly ProductMediaItem[];
}

export interface MediaImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

/** A photo or a video of the product, shown in the gallery after the 3D view. */
export interface ProductMediaItem {
  readonly id: string;
  readonly kind: 'image' | 'video';
  /** "" when the merchant gave none. */
  readonly alt: string;
  readonly width: number;
  readonly height: number;
  /** WebP renditions of the photo or of the video's poster frame, narrowest first. */
  readonly images: readonly MediaImage[];
  readonly video?: { readonly url: string; readonly type: string; readonly duration: number };
}

// ---- cart, checkout, orders ---------------------------------------------------------------------------------

export interface CartLine {
  readonly variantId: string;
  readonly productId: string;
  readonly slug: string;
  readonly sku: string;
  readonly title: string;
  readonly options: Readonly<Record<string, string>>;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly total: Money;
}

export interface Cart {
  readonly lines: readonly CartLine[];
  /** Variant ids still in the cart but no longer sold (left out of the subtotal). */
  readonly unavailable: readonly string[];
  readonly subtotal: Money;
  readonly itemCount: number;
}

/** Mirrors src/domain/address.ts AddressSchema. */
export interface Address {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode: string;
  readonly country: string; // ISO 3166-1 alpha-2
  readonly phone?: string;
}

export interface Totals {
  readonly subtotal: Money;
  readonly shipping: Money;
  readonly tax: Money;
  readonly taxInclusive: boolean;
  readonly total: Money;
}

export interface ShippingOption {
  readonly id: string;
  readonly name: string;
  readonly price: Money;
}

export interface Quote {
  readonly shippingOptions: readonly ShippingOption[];
  /** The method priced; null when nothing ships to the country. */
  readonly shippingMethod: string | null;
  readonly totals: Totals | null;
}

export interface CheckoutRequest {
  readonly email: string;
  readonly address: Address;
  readonly shippingMethod: string;
  readonly payment: { readonly card: string };
}

export type OrderStatus = 'pending_payment' | 'paid' | 'payment_failed' | 'fulfilled' | 'cancelled' | 'refunded';

export interface OrderLine {
  readonly variantId: string;
  readonly sku: string;
  readonly title: string;
  readonly options: Readonly<Record<string, string>>;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly total: Money;
}

export interface Fulfilment {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly fulfilledAt: string;
}

export interface Order extends Totals {
  readonly id: string;
  readonly number: number;
  readonly status: OrderStatus;
  readonly email: string;
  readonly lines: readonly OrderLine[];
  readonly refunded: Money;
  readonly shippingMethod: string;
  readonly address: Address;
  readonly createdAt: string;
  readonly fulfilment: Fulfilment | null;
  readonly cancelledAt: string | null;
}

/** 201 (paid) and 202 (the bank wants an extra step) answers of POST /api/checkout and confirm-payment. */
export interface CheckoutAnswer {
  readonly order: Order;
  readonly payment?: { readonly status: 'requires_action'; readonly clientSecret: string };
}

export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface OrderSummary {
  readonly id: string;
  readonly number: number;
  readonly status: OrderStatus;
  readonly total: Money;
  readonly itemCount: number;
  readonly createdAt: string;
}

// ---- accounts ---------------------------------------------------------------------------------------------

export type Role = 'customer' | 'merchant' | 'admin';

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: Role;
}

export interface Session {
  readonly account: Account;
  readonly csrfToken: string;
}

export interface SavedAddress {
  readonly id: string;
  readonly label: string;
  readonly isDefault: boolean;
  readonly address: Address;
}

// ---- merchant ---------------------------------------------------------------------------------------------

export interface AdminOrderSummary extends OrderSummary {
  readonly email: string;
}

/** A customer account as the merchant's list shows it (GET /api/admin/customers). */
export interface CustomerSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: Role;
  readonly createdAt: string;
  /** Orders paid or fulfilled; a fully refunded or cancelled one no longer counts. */
  readonly paidOrders: number;
  /** Those orders' totals less refunds, in the store's currency. */
  readonly totalSpent: Money;
  readonly lastOrderAt: string | null;
}

export interface CustomerDetail extends CustomerSummary {
  readonly addresses: readonly SavedAddress[];
  /** The latest 50. */
  readonly orders: readonly AdminOrderSummary[];
  readonly moreOrders: boolean;
}

export interface OrderHistoryEntry {
  readonly from: string | null;
  readonly to: string;
  readonly at: string;
  readonly actor: string | null;
  readonly note: string | null;
}

export interface AdminOrder extends Order {
  readonly history: readonly OrderHistoryEntry[];
}

// ---- admin: operations ------------------------------------------------------------------------------------

export interface QueueDepth {
  readonly queued: number; // includes delayed jobs and jobs waiting to retry
  readonly running: number;
  readonly dead: number;
  /** How long the longest-waiting due job has waited, or null when none is due. */
  readonly oldestQueuedAgeSeconds: number | null;
}

/** A job that failed every attempt and waits for an operator (replay or delete). */
export interface DeadLetter {
  readonly id: string;
  readonly type: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly payload: unknown;
  readonly failedAt: string;
}

/** GET /api/admin/jobs: the newest dead letters first (at most `limit`, 100 by default). */
export interface AdminJobs {
  readonly depth: QueueDepth;
  readonly deadLetters: readonly DeadLetter[];
}

/** One dead letter by id, or all of them ("all" must be said: an empty body is refused). */
export type DeadLetterTarget = { readonly id: string } | { readonly all: true };

/** A message in the development mailbox (kept in the database when no SMTP_URL is configured). */
export interface MailboxMessage {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
  readonly createdAt: string;
}

/** One recommendation of the store advisor (GET /api/admin/advisor). */
export interface AdvisorFinding {
  readonly id: string;
  readonly category: 'cost' | 'security' | 'performance' | 'fault_tolerance';
  readonly severity: 'high' | 'medium' | 'low';
  readonly title: string;
  readonly evidence: string;
  readonly fix: string;
}

export interface AdvisorReport {
  readonly checkedAt: string;
  readonly findings: readonly AdvisorFinding[];
}

// ---- the merchant's product editor ------------------------------------------------------------------------------

export type ProductStatus = 'draft' | 'published' | 'archived';

export interface AdminProductSummary {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly status: ProductStatus;
  readonly category: string;
  readonly price: Money | null;
  readonly variants: number;
  readonly poster: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AdminVariant {
  readonly id: string;
  readonly sku: string;
  readonly options: Readonly<Record<string, string>>;
  readonly price: Money;
  readonly materialVariant?: string;
  readonly stock: number;
}

export interface AdminProductJson {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  /** Other categories it is listed in too. */
  readonly extraCategories: readonly string[];
  readonly status: ProductStatus;
  readonly options: readonly ProductOption[];
  readonly variants: readonly AdminVariant[];
  readonly assetId: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AdminModelStatus {
  readonly assetId: string;
  readonly status: 'pending' | 'processing' | 'ready' | 'failed';
  readonly materialVariants: readonly string[];
  readonly poster: string | null;
  readonly error?: string;
}

export interface AdminProductAnswer {
  readonly product: AdminProductJson;
  readonly model: AdminModelStatus | null;
}

export interface CategoryChoice {
  readonly slug: string;
  readonly name: string;
  readonly productCount: number;
}

/** What PATCH /api/admin/products/:id takes: `variants` is the whole list; a variant's stock only when edited. */
export interface ProductEdit {
  readonly version: number;
  readonly title?: string;
  readonly slug?: string;
  readonly description?: string;
  readonly category?: string;
  readonly extraCategories?: readonly string[];
  readonly options?: readonly ProductOption[];
  readonly variants?: readonly {
    readonly id?: string;
    readonly sku?: string;
    readonly options: Readonly<Record<string, string>>;
    readonly price: number;
    readonly materialVariant?: string | null;
    readonly stock?: number;
  }[];
}
