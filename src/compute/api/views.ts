// The API's JSON shapes for the catalog, built from domain objects. These shapes are a public contract
// (the storefront, CDN caching and other clients depend on them): extend them, never break them.
import { z } from 'zod';
import type { Asset3D, ModelCredit, Product } from '../../domain/catalog.ts';
import { fromPrice } from '../../domain/catalog.ts';
import { renderDescriptionCached } from './markdown.ts';
import type { Hotspot } from '../../domain/hotspots.ts';
import { MEDIA_FORMATS, type ProductMedia } from '../../domain/media.ts';

/** A 204 answer: no body. */
export const NoContent = z.null().describe('No content');

export const MoneyDto = z.object({ amount: z.number().int(), currency: z.string() });

export const ProductSummaryDto = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  category: z.string(),
  price: MoneyDto,
  poster: z.string().nullable(),
  model: z.object({ glb: z.string() }).nullable(),
});

export const FacetsDto = z
  .object({
    price: z
      .object({ min: z.number().int(), max: z.number().int(), currency: z.string() })
      .nullable()
      .describe('Lowest and highest variant price (minor units) among products matching the other filters; null when none does'),
    options: z
      .array(z.object({ name: z.string(), values: z.array(z.object({ value: z.string(), count: z.number().int() })) }))
      .describe('Per option (Colour, Wood, Size…): each value with the number of products matching the other filters that offer it'),
    inStock: z.number().int().describe('Products matching the other filters with a variant in stock'),
  })
  .describe('Counted over the category (or the whole shop) with every filter applied except the facet’s own');

export const ProductListDto = z.object({
  items: z.array(ProductSummaryDto),
  nextCursor: z.string().optional(),
  total: z.number().int().optional().describe('Products matching the filters, all pages (first page only)'),
  facets: FacetsDto.optional().describe('First page only (no cursor)'),
});

export const SearchResultDto = z.object({
  items: z.array(ProductSummaryDto).describe('Most relevant first'),
  suggestion: z.string().optional().describe('When nothing matched: a nearby query that finds something'),
});

export const ModelCreditDto = z
  .object({
    author: z.string(),
    licence: z.string().describe('The licence as shoppers read it, e.g. CC BY 4.0'),
    url: z.string().optional().describe('The licence’s text: the storefront links the licence name to it'),
  })
  .describe('The attribution the model’s licence asks for, shown under the 3D view');

const Vec3Dto = z.tuple([z.number(), z.number(), z.number()]);

export const HotspotDto = z
  .object({
    id: z.string().describe('Stable within the model; the viewer’s slot is hotspot-<id>'),
    label: z.string(),
    position: Vec3Dto.describe('Model coordinates in metres (model-viewer’s data-position)'),
    normal: Vec3Dto.describe('Unit surface normal there (data-normal)'),
  })
  .describe('A labelled point the merchant placed on the model');

export const ProductDetailDto = ProductSummaryDto.extend({
  description: z.string().describe('The merchant’s Markdown, as written'),
  descriptionHtml: z.string().describe('The description rendered as HTML and sanitised (no script, event handler or script URL): safe to insert as it is'),
  options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  variants: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      options: z.record(z.string(), z.string()),
      price: MoneyDto,
      stock: z.number().int(),
      materialVariant: z.string().optional(),
    }),
  ),
  model: z
    .object({
      glb: z.string(),
      poster: z.string().nullable(),
      usdz: z.string().optional(),
      dimensions: z
        .object({ width: z.number(), height: z.number(), depth: z.number() })
        .nullable()
        .describe('Real-world size in metres, from the model’s bounding box (x, y, z); null when unknown'),
      variants: z.array(z.string()),
      credit: ModelCreditDto.optional(),
      hotspots: z.array(HotspotDto).describe('Labelled points on the model, in the merchant’s order (empty when none)'),
    })
    .nullable(),
  credit: z.string().optional().describe('model.credit as one line of text ("Author, Licence"), kept for older clients'),
  media: z
    .array(
      z.object({
        id: z.string(),
        kind: z.enum(['image', 'video']),
        alt: z.string().describe('What the photo or video shows ("" when the merchant gave none: show the product’s name)'),
        width: z.number().int(),
        height: z.number().int(),
        images: z.array(z.object({ url: z.string(), width: z.number().int(), height: z.number().int() })).describe('WebP renditions of the photo, or of the video’s poster frame, narrowest first: a srcset'),
        video: z.object({ url: z.string(), type: z.string(), duration: z.number() }).optional(),
      }),
    )
    .describe('The merchant’s photos and videos in their order, shown after the 3D view (only those processed)'),
});

export const CategoryListDto = z.object({
  items: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      productCount: z.number().int(),
      poster: z.string().nullable().describe('The poster of the category’s first product (merchant’s order), for its tile'),
    }),
  ),
});

export const FeaturedDto = z.object({
  items: z.array(ProductSummaryDto).describe('Each category’s first products in the merchant’s order, taken in turn'),
});

export type ProductSummary = z.infer<typeof ProductSummaryDto>;
export type ProductDetail = z.infer<typeof ProductDetailDto>;

/** Turns an object key into the URL browsers fetch it from: this origin, or the CDN's domain when configured. */
export type AssetUrl = (key: string) => string;

export function assetUrlFor(base: string | undefined): AssetUrl {
  const prefix = `${(base ?? '').replace(/\/+$/, '')}/assets/`;
  return (key) => prefix + key.split('/').map(encodeURIComponent).join('/');
}

function readyAsset(asset: Asset3D | undefined): (Asset3D & { glbKey: string }) | undefined {
  return asset && asset.status === 'ready' && asset.glbKey ? (asset as Asset3D & { glbKey: string }) : undefined;
}

export function productSummary(p: Product, asset: Asset3D | undefined, url: AssetUrl): ProductSummary {
  const ready = readyAsset(asset);
  return {
    id: p.id,
    slug: p.slug,
    title: p.title,
    category: p.category,
    price: fromPrice(p),
    poster: ready?.posterKey ? url(ready.posterKey) : null,
    model: ready ? { glb: url(ready.glbKey) } : null,
  };
}

export function productDetail(p: Product, asset: Asset3D | undefined, stock: (variantId: string) => number, url: AssetUrl, media?: ProductMedia): ProductDetail {
  const ready = readyAsset(asset);
  const summary = productSummary(p, asset, url);
  return {
    ...summary,
    description: p.description,
    descriptionHtml: renderDescriptionCached(p.description),
    options: p.options.map((o) => ({ name: o.name, values: [...o.values] })),
    variants: p.variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      options: { ...v.options },
      price: v.price,
      stock: stock(v.id),
      ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}),
    })),
    model: ready
      ? {
          glb: url(ready.glbKey),
          poster: ready.posterKey ? url(ready.posterKey) : null,
          ...(ready.usdzKey ? { usdz: url(ready.usdzKey) } : {}),
          dimensions: ready.dimensions ?? null,
          variants: [...ready.materialVariants],
          ...(ready.credit ? { credit: { ...ready.credit } } : {}),
          hotspots: hotspotsDto(ready.hotspots),
        }
      : null,
    ...(ready?.credit ? { credit: creditLine(ready.credit) } : {}),
    media: mediaDto(media, url),
  };
}

function mediaDto(media: ProductMedia | undefined, url: AssetUrl): ProductDetail['media'] {
  return (media?.items ?? []).flatMap((m) =>
    m.status === 'ready' && m.width && m.height
      ? [
          {
            id: m.id,
            kind: m.kind,
            alt: m.alt,
            width: m.width,
            height: m.height,
            images: (m.renditions ?? []).map((r) => ({ url: url(r.key), width: r.width, height: r.height })),
            ...(m.kind === 'video' && m.videoKey ? { video: { url: url(m.videoKey), type: MEDIA_FORMATS[m.format].mimeType, duration: m.duration ?? 0 } } : {}),
          },
        ]
      : [],
  );
}

export function hotspotsDto(list: readonly Hotspot[] | undefined): z.infer<typeof HotspotDto>[] {
  return (list ?? []).map((h) => ({ id: h.id, label: h.label, position: [...h.position], normal: [...h.normal] }));
}

function creditLine(c: ModelCredit): string {
  return `${c.author}, ${c.licence}`;
}
