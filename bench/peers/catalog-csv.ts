// The peers benchmark's catalogue: products-x4.csv (Vendure's sample products from @vendure/create, four times over
// with -2/-3/-4 slug suffixes: 216 products, 352 variants) read into one plain shape every server is loaded from.
// Vendure imports the CSV itself; Medusa's seed and Vitrine's importer take this shape, so all three serve the same
// titles, slugs, descriptions, option values, prices and stock.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface CsvVariant {
  readonly sku: string;
  /** Major units as written in the CSV (1299.00). */
  readonly price: number;
  /** One value per option group, in the product's optionGroups order. */
  readonly values: string[];
  readonly stock: number;
}

export interface CsvProduct {
  readonly title: string;
  readonly handle: string;
  readonly description: string;
  readonly images: string[];
  /** The `category:` facets, most general first ("Electronics", "Computers"). */
  readonly categories: string[];
  readonly optionGroups: string[];
  readonly variants: CsvVariant[];
}

/** RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f !== ''));
}

const split = (s: string | undefined): string[] => (s ? s.split('|').map((x) => x.trim()).filter(Boolean) : []);

/** Vendure's product import format: a row with a name starts a product, rows without one add variants to it. */
export function readCatalogCsv(file: string): CsvProduct[] {
  const [header, ...records] = parseCsv(readFileSync(file, 'utf8'));
  if (!header) throw new Error(`${file}: empty`);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no ${name} column`);
    return i;
  };
  const [name, slug, description, assets, facets, groups, values, sku, price, stock] = [
    'name', 'slug', 'description', 'assets', 'facets', 'optionGroups', 'optionValues', 'sku', 'price', 'stockOnHand',
  ].map(col) as [number, number, number, number, number, number, number, number, number, number];
  const products: CsvProduct[] = [];
  const skus = new Map<string, number>(); // the sample repeats a SKU across one product's colours; stores need unique ones
  for (const r of records) {
    if (r[name]) {
      products.push({
        title: r[name]!,
        handle: r[slug]!,
        description: r[description] ?? '',
        images: split(r[assets]),
        categories: split(r[facets]).filter((f) => f.startsWith('category:')).map((f) => f.slice('category:'.length)),
        optionGroups: split(r[groups]),
        variants: [],
      });
    }
    const p = products.at(-1);
    if (!p) throw new Error(`${file}: a variant row before any product`);
    const seen = (skus.get(r[sku]!) ?? 0) + 1;
    skus.set(r[sku]!, seen);
    p.variants.push({ sku: seen === 1 ? r[sku]! : `${r[sku]}-v${seen}`, price: Number(r[price]), values: split(r[values]), stock: Number(r[stock] || 0) });
  }
  return products;
}

// `node --import tsx bench/peers/catalog-csv.ts <file.csv>`: the catalogue as JSON on stdout (Medusa's seed reads it).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(readCatalogCsv(process.argv[2] ?? new URL('products-x4.csv', import.meta.url).pathname)) + '\n');
}
