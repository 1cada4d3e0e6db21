// The HTTP API as a client (or a CDN) sees it: shapes, errors, caching headers, 304s and byte ranges, on the
// whole shop booted on its embedded defaults with the generated demo catalog.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

let app: TestApp;
const get = (path: string, headers: Record<string, string> = {}) => fetch(app.baseUrl + path, { headers });
/** A GET whose body is left exactly as sent (fetch would decode it). */
const rawGet = (path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    request(app.baseUrl + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })).on('error', reject);
    })
      .on('error', reject)
      .end();
  });
type Summary = { id: string; slug: string; title: string; category: string; price: { amount: number; currency: string }; poster: string | null; model: { glb: string } | null };

before(async () => {
  app = await startTestApp();
});
after(async () => {
  await app?.close();
});

describe('GET /api/products', () => {
  it('lists published products with price, poster and model, 20 by default', async () => {
    const res = await get('/api/products');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { items: Summary[]; nextCursor?: string };
    assert.equal(body.items.length, 20);
    assert.ok(body.nextCursor, 'more than 20 demo products: a cursor to the next page');
    for (const p of body.items) {
      assert.ok(Number.isInteger(p.price.amount) && p.price.amount > 0, `${p.slug} has an integer price`);
      assert.equal(p.price.currency, 'USD');
      assert.match(p.poster ?? '', /^\/assets\/posters\/[0-9a-f]{16}\/.+\.webp$/);
      assert.match(p.model?.glb ?? '', /^\/assets\/models\/[0-9a-f]{16}\/.+\.glb$/);
    }
  });

  it('pages through the whole catalog with cursors, each product once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(`/api/products?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { items: Summary[]; nextCursor?: string };
      seen.push(...body.items.map((p) => p.id));
      cursor = body.nextCursor;
    } while (cursor);
    assert.ok(seen.length >= 24, `at least 24 demo products, got ${seen.length}`);
    assert.equal(new Set(seen).size, seen.length, 'no product twice across pages');
  });

  it('filters by category', async () => {
    const cats = (await (await get('/api/categories')).json()) as { items: { slug: string; productCount: number }[] };
    const furniture = cats.items.find((c) => c.slug === 'furniture');
    assert.ok(furniture, 'a furniture category');
    const body = (await (await get('/api/products?category=furniture&limit=100')).json()) as { items: Summary[] };
    assert.equal(body.items.length, furniture.productCount);
    assert.ok(body.items.every((p) => p.category === 'furniture'));
  });

  it('answers bad input with 400 naming the parameter, never 500', async () => {
    for (const [q, param] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['cursor=!!!', 'cursor'],
      ['cursor=eyJ4IjoxfQ', 'cursor'],
      ['category=Not%20A%20Slug', 'category'],
    ] as const) {
      const res = await get(`/api/products?${q}`);
      assert.equal(res.status, 400, q);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.ok(body.error.code, q);
      assert.match(body.error.message, new RegExp(param), `${q} → ${body.error.message}`);
    }
  });

  it('says 404 for an unknown category', async () => {
    const res = await get('/api/products?category=spaceships');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });
});

describe('GET /api/products/:slug', () => {
  it('gives options, variants with stock, and the model with real dimensions and material variants', async () => {
    const list = (await (await get('/api/products?limit=100')).json()) as { items: Summary[] };
    let withVariants = 0;
    for (const s of list.items) {
      const res = await get(`/api/products/${s.slug}`);
      assert.equal(res.status, 200);
      const p = (await res.json()) as {
        slug: string;
        description: string;
        options: { name: string; values: string[] }[];
        variants: { id: string; options: Record<string, string>; price: { amount: number }; stock: number; materialVariant?: string }[];
        model: { glb: string; poster: string; dimensions: { width: number; height: number; depth: number }; variants: string[] };
      };
      assert.equal(p.slug, s.slug);
      assert.ok(p.description.length > 20);
      assert.ok(p.variants.length >= 1);
      for (const v of p.variants) {
        assert.ok(Number.isInteger(v.stock) && v.stock >= 0);
        for (const o of p.options) assert.ok(o.values.includes(v.options[o.name]!), `${s.slug}: variant picks a declared ${o.name}`);
        if (v.materialVariant) assert.ok(p.model.variants.includes(v.materialVariant));
      }
      const { width, height, depth } = p.model.dimensions;
      assert.ok(width > 0.02 && width < 3 && height > 0.01 && height < 3 && depth > 0.01 && depth < 3, `${s.slug} is real-world sized`);
      if (p.model.variants.length >= 2) {
        withVariants++;
        const colour = p.options.find((o) => o.values.every((v) => p.model.variants.includes(v)));
        assert.ok(colour, `${s.slug}: an option whose values are the model's material variants`);
      }
    }
    assert.ok(withVariants >= 6, `at least 6 products with material variants, got ${withVariants}`);
  });

  it('404s an unknown slug and 400s a malformed one', async () => {
    const missing = await get('/api/products/no-such-thing');
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: { message: string } }).error.message, /no-such-thing/);
    const bad = await get('/api/products/NOT_A_SLUG');
    assert.equal(bad.status, 400);
  });
});

describe('the home page: GET /api/featured and the categories', () => {
  it('features each category’s first products in the merchant’s order, taking categories in turn', async () => {
    const cats = (await (await get('/api/categories')).json()) as { items: { slug: string; poster: string | null }[] };
    const firsts = await Promise.all(
      cats.items.map(async (c) => ((await (await get(`/api/products?category=${c.slug}&limit=2`)).json()) as { items: Summary[] }).items),
    );
    const res = await get('/api/featured');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /s-maxage=\d+/);
    const body = (await res.json()) as { items: Summary[] };
    assert.equal(body.items.length, 8, '8 by default');
    const expected = [...firsts.map((l) => l[0]!), ...firsts.map((l) => l[1]).filter((p) => p !== undefined)].slice(0, 8);
    assert.deepEqual(body.items.map((p) => p.slug), expected.map((p) => p.slug));
    assert.deepEqual(body.items[0], expected[0], 'the same summaries as the listings');
    const three = (await (await get('/api/featured?limit=3')).json()) as { items: Summary[] };
    assert.deepEqual(three.items.map((p) => p.slug), expected.slice(0, 3).map((p) => p.slug));
    // Each category's tile shows its first product's poster.
    cats.items.forEach((c, i) => assert.equal(c.poster, firsts[i]![0]!.poster, `${c.slug} tile poster`));
    assert.ok(cats.items.every((c) => /^\/assets\/posters\//.test(c.poster ?? '')));
  });

  it('answers a bad limit with 400 naming it', async () => {
    for (const q of ['limit=0', 'limit=25', 'limit=x', 'limit=1.5']) {
      const res = await get(`/api/featured?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /limit/, q);
    }
  });
});

describe('caching contract for a CDN', () => {
  it('catalog GETs: s-maxage + stale-while-revalidate, strong ETag, 304 on revalidation', async () => {
    const res = await get('/api/products?limit=5');
    const cc = res.headers.get('cache-control') ?? '';
    assert.match(cc, /s-maxage=\d+/);
    assert.match(cc, /stale-while-revalidate=\d+/);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[^"]+"$/, 'a strong ETag');
    assert.match(res.headers.get('vary') ?? '', /accept-encoding/i);
    const again = await get('/api/products?limit=5', { 'if-none-match': etag! });
    assert.equal(again.status, 304);
    assert.equal((await again.text()).length, 0);
    const other = await get('/api/products?limit=6', { 'if-none-match': etag! });
    assert.equal(other.status, 200);
  });

  it('compresses JSON for clients that accept it: byte-identical once decoded, one strong ETag per encoding', async () => {
    const identity = await rawGet('/api/products?limit=50', { 'accept-encoding': 'identity' });
    assert.equal(identity.headers['content-encoding'], undefined);
    const etags = new Set([identity.headers.etag]);
    for (const [encoding, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const { headers, body } = await rawGet(`/api/products?limit=50`, { 'accept-encoding': `${encoding}, identity;q=0.5` });
      assert.equal(headers['content-encoding'], encoding);
      assert.equal(headers.vary, 'Accept-Encoding');
      assert.ok(body.length < identity.body.length, `${encoding} is smaller`);
      assert.deepEqual(decode(body), identity.body);
      etags.add(headers.etag);
      const again = await rawGet(`/api/products?limit=50`, { 'accept-encoding': encoding, 'if-none-match': headers.etag! });
      assert.equal(again.status, 304, `${encoding} revalidates with its own ETag`);
      assert.equal(again.body.length, 0);
    }
    assert.equal(etags.size, 3, 'each encoding is its own representation with its own strong ETag');
    const refused = await rawGet('/api/products?limit=50', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    assert.equal(refused.headers['content-encoding'], undefined, 'q=0 means not acceptable');
  });

  it('models: immutable, strong ETag, 304, byte ranges (206) and 416 past the end', async () => {
    const list = (await (await get('/api/products?limit=1')).json()) as { items: Summary[] };
    const glb = list.items[0]!.model!.glb;
    const full = await get(glb);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-type'), 'model/gltf-binary');
    assert.equal(full.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(full.headers.get('content-encoding'), null, 'models are not re-compressed (ranges address stored bytes)');
    const bytes = Buffer.from(await full.arrayBuffer());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'glTF');
    const etag = full.headers.get('etag')!;

    const notModified = await get(glb, { 'if-none-match': etag });
    assert.equal(notModified.status, 304);

    const part = await get(glb, { range: 'bytes=4-11' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 4-11/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(4, 12));

    const tail = await get(glb, { range: 'bytes=-16' });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 16));

    const stale = await get(glb, { range: 'bytes=0-3', 'if-range': '"another-version"' });
    assert.equal(stale.status, 200, 'If-Range with another ETag gets the whole object');

    const past = await get(glb, { range: `bytes=${bytes.length}-` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${bytes.length}`);

    assert.equal((await get('/assets/models/nope/none.glb')).status, 404);
    assert.equal((await get('/assets/..%2F..%2Fetc%2Fpasswd')).status, 404);
  });

  it('posters are WebP under immutable URLs', async () => {
    const list = (await (await get('/api/products?limit=1')).json()) as { items: Summary[] };
    const res = await get(list.items[0]!.poster!);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    const b = Buffer.from(await res.arrayBuffer());
    assert.equal(b.subarray(8, 12).toString('latin1'), 'WEBP');
  });

  it('the viewer and its decoders come from this origin', async () => {
    for (const p of ['/vendor/model-viewer/model-viewer.min.js', '/vendor/draco/draco_decoder.wasm', '/vendor/basis/basis_transcoder.js', '/vendor/meshopt/meshopt_decoder.cjs']) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      if (p.endsWith('.cjs')) assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
    }
    assert.equal((await get('/vendor/draco/README.md')).status, 404, 'only the files the viewer needs are exposed');
  });
});

describe('monitoring endpoints and errors', () => {
  it('/healthz is alive and /readyz reports each store', async () => {
    const h = await get('/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('cache-control'), 'no-store');
    const r = await get('/readyz');
    assert.equal(r.status, 200);
    const body = (await r.json()) as { status: string; checks: Record<string, { status: string }> };
    assert.equal(body.status, 'ready');
    for (const name of ['postgres', 'dynamodb', 'objects']) assert.equal(body.checks[name]?.status, 'up', name);
  });

  it('echoes a request id, keeping one set by the load balancer', async () => {
    const res = await get('/api/categories', { 'x-request-id': 'lb-1234' });
    assert.equal(res.headers.get('x-request-id'), 'lb-1234');
    const fresh = await get('/api/categories');
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('unknown API routes are JSON 404s; storefront routes get the app shell', async () => {
    const api = await get('/api/nothing-here');
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const page = await get('/p/some-product', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
  });
});

describe('freshness', () => {
  it('serves a price edited in the catalog table (by any instance) within a refresh, with a new ETag', async () => {
    const repo = app.shop.runtime.catalog.repo;
    const before = await get('/api/products/ceramic-mug');
    const etag = before.headers.get('etag')!;
    const product = (await repo.getProductBySlug('ceramic-mug'))!;
    const first = product.variants[0]!;
    const newPrice = { ...first.price, amount: first.price.amount + 111 };
    await repo.putProduct({ ...product, variants: [{ ...first, price: newPrice }, ...product.variants.slice(1)] }, product.version);
    await until(async () => {
      const p = (await (await get('/api/products/ceramic-mug')).json()) as { variants: { id: string; price: { amount: number } }[] };
      return p.variants.find((v) => v.id === first.id)?.price.amount === newPrice.amount;
    }, 'the new price');
    const after = await get('/api/products/ceramic-mug', { 'if-none-match': etag });
    assert.equal(after.status, 200, 'the old ETag no longer matches');
  });

  it('shows stock taken in Postgres on the product page', async () => {
    const { takeStock } = await import('../../src/databases/relational/inventory.ts');
    const p = (await (await get('/api/products/ceramic-mug')).json()) as { variants: { id: string; stock: number }[] };
    const v = p.variants.find((x) => x.stock > 0)!;
    assert.ok(await takeStock(app.shop.runtime.relational.db, v.id, 1));
    await until(async () => {
      const now = (await (await get('/api/products/ceramic-mug')).json()) as { variants: { id: string; stock: number }[] };
      return now.variants.find((x) => x.id === v.id)?.stock === v.stock - 1;
    }, 'the new stock count');
  });
});

describe('security headers', () => {
  it('every page carries a CSP with no inline script, nosniff, no framing; no HSTS over plain HTTP', async () => {
    for (const path of ['/', '/p/ceramic-mug', '/api/products?limit=1']) {
      const res = await get(path, { accept: 'text/html' });
      const csp = res.headers.get('content-security-policy') ?? '';
      const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.ok(script.includes("'self'"), `${path}: script-src is set`);
      assert.ok(!script.includes("'unsafe-inline'") && !script.includes("'unsafe-eval'"), `${path}: no inline or eval script`);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('strict-transport-security'), null);
    }
  });
});
