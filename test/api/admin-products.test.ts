// The merchant's product editor's API (issue #8) on the whole shop (demo catalog): create a draft, edit it with
// errors named per field, stock written to the inventory, a stale edit refused with the current version, every write
// audited with before and after; publishing shows the product on the storefront (its page, its category, search)
// and unpublishing takes it away again. Customers are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { listAudit } from '../../src/databases/relational/audit.ts';
import { stockFor } from '../../src/databases/relational/inventory.ts';
import { renderDescription } from '../../src/compute/api/markdown.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

const PASSWORD = 'correct horse 42';
const HOSTILE = [
  'A **sturdy** lamp. [Our care guide](https://example.com/care)',
  '',
  '<script>document.title="pwned"</script><img src=x onerror="alert(1)">',
  '[click me](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <a href="javascript:alert(2)" onclick="alert(3)">x</a>',
].join('\n');

let app: TestApp;
let merchant: Browser;
let customer: Browser;
const db = () => app.shop.runtime.relational.db;
const get = (path: string) => fetch(`${app.baseUrl}${path}`);

before(async () => {
  app = await startTestApp();
  merchant = new Browser(app.baseUrl);
  customer = new Browser(app.baseUrl);
  const email = `merchant-${randomUUID().slice(0, 8)}@example.test`;
  assert.equal((await merchant.signup(email, PASSWORD)).status, 201);
  assert.equal((await customer.signup(`customer-${randomUUID().slice(0, 8)}@example.test`, PASSWORD)).status, 201);
  await setRole(db(), email, 'merchant');
});
after(async () => {
  await app?.close();
});

describe('the merchant’s product editor API', () => {
  let id = '';
  let version = 0;

  it('creates a draft with a slug from its title, one variant at the price given and no stock, and audits it', async () => {
    const res = await merchant.call('POST', '/api/admin/products', { title: 'Brass Reading Lamp', price: 12_900, category: 'lighting' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const p = res.body.product;
    assert.equal(p.slug, 'brass-reading-lamp');
    assert.equal(p.status, 'draft');
    assert.equal(p.version, 1);
    assert.equal(p.variants.length, 1);
    assert.deepEqual(p.variants[0].price, { amount: 12_900, currency: 'USD' });
    assert.equal(p.variants[0].stock, 0);
    assert.equal(res.body.model, null);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    id = p.id;
    version = p.version;
    const audit = await listAudit(db(), { action: 'product.create', target: { type: 'product', id }, limit: 5 });
    assert.equal(audit.items.length, 1);
    assert.equal((audit.items[0]!.after as { title: string }).title, 'Brass Reading Lamp');
    // A draft is not on the storefront.
    assert.equal((await get('/api/products/brass-reading-lamp')).status, 404);
  });

  it('refuses bad input with 400 and every problem at its field, changing nothing', async () => {
    const cases: { body: object; fields: string[] }[] = [
      { body: { version, title: '   ' }, fields: ['title'] },
      { body: { version, slug: 'Not A Slug!' }, fields: ['slug'] },
      { body: { version, category: 'no-such-category' }, fields: ['category'] },
      { body: { version, extraCategories: ['home', 'no-such-category', 'lighting', 'home'] }, fields: ['extraCategories.1', 'extraCategories.2', 'extraCategories.3'] },
      { body: { version, variants: [{ price: -100 }] }, fields: ['variants.0.price'] },
      { body: { version, variants: [{ price: 12.5 }] }, fields: ['variants.0.price'] },
      { body: { version, variants: [{ price: 100, stock: -1 }] }, fields: ['variants.0.stock'] },
      {
        body: { version, options: [{ name: 'Finish', values: ['Brass', 'Brass'] }], variants: [{ price: 1, options: { Finish: 'Chrome' } }] },
        fields: ['options.0.values', 'variants.0.options.Finish'],
      },
      {
        body: { version, options: [{ name: 'Finish', values: ['Brass', 'Chrome'] }], variants: [{ price: 1, options: { Finish: 'Brass' } }, { price: 2, options: { Finish: 'Brass' } }] },
        fields: ['variants.1.sku', 'variants.1.options'],
      },
      { body: { version, variants: [{ price: 1, materialVariant: 'Walnut' }] }, fields: ['variants.0.materialVariant'] },
      { body: { version, variants: [{ id: 'someone-elses-variant', price: 1 }] }, fields: ['variants.0.id'] },
      { body: { version, options: [1, 2, 3, 4].map((n) => ({ name: `O${n}`, values: ['a'] })) }, fields: ['options'] },
      { body: { version, title: 'x'.repeat(201) }, fields: ['title'] },
      { body: { version, description: 'x'.repeat(20_001) }, fields: ['description'] },
      { body: { title: 'No version' }, fields: ['version'] },
      { body: { version, price: 100 }, fields: ['body'] },
    ];
    for (const { body, fields } of cases) {
      const res = await merchant.call('PATCH', `/api/admin/products/${id}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'INVALID_REQUEST');
      const got = (res.body.error.fields as { field: string; message: string }[]).map((f) => f.field);
      for (const f of fields) assert.ok(got.includes(f), `${JSON.stringify(body).slice(0, 120)}: ${f} in ${JSON.stringify(res.body.error.fields)}`);
      for (const f of res.body.error.fields) assert.match(res.body.error.message, new RegExp(escapeRegExp(`${f.field}: ${f.message}`)));
    }
    const neg = await merchant.call('PATCH', `/api/admin/products/${id}`, { version, variants: [{ price: -100 }] });
    assert.deepEqual(neg.body.error.fields, [{ field: 'variants.0.price', message: 'must not be negative' }]);
    const stored = await merchant.call('GET', `/api/admin/products/${id}`);
    assert.equal(stored.body.product.version, version, 'nothing was written');
    // The create form's single price is named as such.
    const bad = await merchant.call('POST', '/api/admin/products', { title: 'Bad price', price: -1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields.map((f: { field: string }) => f.field), ['price']);
  });

  it('saves options, variants with their prices and stock (into the inventory table), and audits before and after', async () => {
    const current = (await merchant.call('GET', `/api/admin/products/${id}`)).body.product;
    const res = await merchant.call('PATCH', `/api/admin/products/${id}`, {
      version,
      description: HOSTILE,
      options: [{ name: 'Finish', values: ['Brass', 'Chrome'] }],
      variants: [
        { id: current.variants[0].id, options: { Finish: 'Brass' }, price: 12_900, stock: 7 },
        { options: { Finish: 'Chrome' }, price: 13_900, sku: 'LAMP-CHROME', stock: 3 },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const p = res.body.product;
    assert.equal(p.version, version + 1);
    assert.equal(p.variants[0].id, current.variants[0].id, 'an existing variant keeps its id');
    assert.equal(p.variants[0].sku, 'BRASS-READING-LAMP-BRASS', 'a SKU is made when none is given');
    assert.deepEqual(p.variants.map((v: { stock: number }) => v.stock), [7, 3]);
    const stock = await stockFor(db(), p.variants.map((v: { id: string }) => v.id));
    assert.deepEqual([...stock.values()].sort(), [3, 7]);
    version = p.version;

    const audit = await listAudit(db(), { action: 'product.update', target: { type: 'product', id }, limit: 5 });
    const entry = audit.items[0]!;
    const b = entry.before as { version: number; variants: { stock: number }[] };
    const a = entry.after as { version: number; description: string; variants: { stock: number; price: { amount: number } }[] };
    assert.equal(b.version, version - 1);
    assert.deepEqual(b.variants.map((v) => v.stock), [0]);
    assert.equal(a.version, version);
    assert.deepEqual(a.variants.map((v) => [v.price.amount, v.stock]), [[12_900, 7], [13_900, 3]]);
    assert.equal(a.description, HOSTILE);
    assert.match(entry.actor.email, /^merchant-/);

    // Leaving stock out leaves the count alone (a sale since the form was loaded is not undone).
    const again = await merchant.call('PATCH', `/api/admin/products/${id}`, {
      version,
      variants: p.variants.map((v: { id: string; options: object; price: { amount: number } }) => ({ id: v.id, options: v.options, price: v.price.amount })),
    });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.product.variants.map((v: { stock: number }) => v.stock), [7, 3]);
    version = again.body.product.version;
  });

  it('refuses a stale edit with 409 and the current version, so two merchants never overwrite each other', async () => {
    const first = await merchant.call('PATCH', `/api/admin/products/${id}`, { version, title: 'Brass Reading Lamp, large' });
    assert.equal(first.status, 200);
    const second = await merchant.call('PATCH', `/api/admin/products/${id}`, { version, title: 'Someone else’s title' });
    assert.equal(second.status, 409);
    assert.equal(second.body.error.code, 'CONFLICT');
    assert.equal(second.body.error.currentVersion, version + 1);
    const stored = (await merchant.call('GET', `/api/admin/products/${id}`)).body.product;
    assert.equal(stored.title, 'Brass Reading Lamp, large');
    version = stored.version;
    const stalePublish = await merchant.call('POST', `/api/admin/products/${id}/publish`, { version: version - 1 });
    assert.equal(stalePublish.status, 409);
  });

  it('refuses a slug another product has, at the slug field', async () => {
    const res = await merchant.call('PATCH', `/api/admin/products/${id}`, { version, slug: 'dining-chair' });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body.error.fields.map((f: { field: string }) => f.field), ['slug']);
  });

  it('publishes: the product’s page, its categories and search show it, with the description sanitised', async () => {
    const also = await merchant.call('PATCH', `/api/admin/products/${id}`, { version, extraCategories: ['home'] });
    assert.equal(also.status, 200, JSON.stringify(also.body));
    assert.deepEqual(also.body.product.extraCategories, ['home']);
    version = also.body.product.version;
    const res = await merchant.call('POST', `/api/admin/products/${id}/publish`, { version });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.product.status, 'published');
    version = res.body.product.version;
    await until(async () => (await get('/api/products/brass-reading-lamp')).status === 200, 'the product page', 20_000);
    const detail = await (await get('/api/products/brass-reading-lamp')).json();
    assert.equal(detail.title, 'Brass Reading Lamp, large');
    assert.deepEqual(detail.price, { amount: 12_900, currency: 'USD' });
    assert.equal(detail.description, HOSTILE, 'the Markdown as written');
    const html: string = detail.descriptionHtml;
    assert.match(html, /<strong>sturdy<\/strong>/);
    assert.match(html, /<a href="https:\/\/example\.com\/care" rel="nofollow noopener noreferrer ugc" target="_blank">Our care guide<\/a>/);
    assert.doesNotMatch(html, /<script|<img|<a [^>]*href="(?:javascript|data):|<[^>]+\son\w+=/i, html);
    assert.equal(html, renderDescription(HOSTILE));

    await until(async () => {
      const list = await (await get('/api/products?category=lighting&limit=100')).json();
      return list.items.some((p: { id: string }) => p.id === id);
    }, 'the product in its category', 20_000);
    const home = await (await get('/api/products?category=home&limit=100')).json();
    assert.ok(home.items.some((p: { id: string; category: string }) => p.id === id && p.category === 'lighting'), 'listed in its other category too, still of its own');
    await until(async () => {
      const found = await (await get('/api/search?q=brass%20lamp')).json();
      return found.items.some((p: { id: string }) => p.id === id);
    }, 'the product in search', 20_000);
    const audit = await listAudit(db(), { action: 'product.publish', target: { type: 'product', id }, limit: 5 });
    assert.deepEqual([(audit.items[0]!.before as { status: string }).status, (audit.items[0]!.after as { status: string }).status], ['draft', 'published']);
  });

  it('lists products for staff: newest first, drafts too, by status and by words of the title or slug, a page at a time', async () => {
    const draft = await merchant.call('POST', '/api/admin/products', { title: 'Brass Candle Holder' });
    assert.equal(draft.status, 201);
    const all = await merchant.call('GET', '/api/admin/products?q=brass');
    assert.deepEqual(all.body.items.map((p: { title: string }) => p.title), ['Brass Candle Holder', 'Brass Reading Lamp, large']);
    const drafts = await merchant.call('GET', '/api/admin/products?q=BRASS&status=draft');
    assert.deepEqual(drafts.body.items.map((p: { status: string }) => p.status), ['draft']);
    const bySlug = await merchant.call('GET', '/api/admin/products?q=reading-lamp&status=published');
    assert.deepEqual(bySlug.body.items.map((p: { id: string }) => p.id), [id]);
    // Keyset pages: every product once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await merchant.call('GET', `/api/admin/products?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((p) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length >= 28, `${seen.length} products`);
    assert.equal(seen[0], draft.body.product.id);
    assert.equal((await merchant.call('GET', '/api/admin/products?cursor=nonsense')).status, 400);
    assert.equal((await merchant.call('GET', '/api/admin/products?status=archived')).status, 400);
  });

  it('maps variants to the model’s material variants when the product has a model, and refuses other names', async () => {
    const chair = (await merchant.call('GET', '/api/admin/products?q=dining-chair')).body.items[0];
    const loaded = await merchant.call('GET', `/api/admin/products/${chair.id}`);
    const { product, model } = loaded.body;
    assert.equal(model.status, 'ready');
    assert.ok(model.materialVariants.length >= 2, JSON.stringify(model));
    const variants = product.variants.map((v: { id: string; options: object; price: { amount: number } }, i: number) => ({
      id: v.id,
      options: v.options,
      price: v.price.amount,
      materialVariant: model.materialVariants[(i + 1) % model.materialVariants.length],
    }));
    const ok = await merchant.call('PATCH', `/api/admin/products/${chair.id}`, { version: product.version, variants });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.product.variants.map((v: { materialVariant: string }) => v.materialVariant), variants.map((v: { materialVariant: string }) => v.materialVariant));
    const bad = await merchant.call('PATCH', `/api/admin/products/${chair.id}`, { version: ok.body.product.version, variants: [{ ...variants[0], materialVariant: 'Gold leaf' }, ...variants.slice(1)] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].field, 'variants.0.materialVariant');
    assert.match(bad.body.error.fields[0].message, /must be one of the model’s material variants/);
  });

  it('unpublishes: the product’s page 404s and it leaves its category and search', async () => {
    const res = await merchant.call('POST', `/api/admin/products/${id}/unpublish`, { version });
    assert.equal(res.status, 200);
    assert.equal(res.body.product.status, 'draft');
    await until(async () => (await get('/api/products/brass-reading-lamp')).status === 404, 'the page to 404', 20_000);
    for (const category of ['lighting', 'home']) {
      const list = await (await get(`/api/products?category=${category}&limit=100`)).json();
      assert.ok(!list.items.some((p: { id: string }) => p.id === id), category);
    }
    const found = await (await get('/api/search?q=brass%20lamp')).json();
    assert.ok(!found.items.some((p: { id: string }) => p.id === id));
    const audit = await listAudit(db(), { action: 'product.unpublish', target: { type: 'product', id }, limit: 5 });
    assert.equal(audit.items.length, 1);
  });

  it('a draft without a category cannot be published: the category field says why', async () => {
    const res = await merchant.call('POST', '/api/admin/products', { title: 'Loose Thing' });
    const p = res.body.product;
    const pub = await merchant.call('POST', `/api/admin/products/${p.id}/publish`, { version: p.version });
    assert.equal(pub.status, 400);
    assert.deepEqual(pub.body.error.fields.map((f: { field: string }) => f.field), ['category']);
  });

  it('previews a description as shoppers will see it (the same sanitiser)', async () => {
    const res = await merchant.call('POST', '/api/admin/description-preview', { description: HOSTILE });
    assert.equal(res.status, 200);
    assert.equal(res.body.html, renderDescription(HOSTILE));
    assert.equal((await customer.call('POST', '/api/admin/description-preview', { description: 'x' })).status, 403);
    const long = await merchant.call('POST', '/api/admin/description-preview', { description: 'x'.repeat(20_001) });
    assert.deepEqual(long.body.error.fields.map((f: { field: string }) => f.field), ['description']);
  });

  it('guests get 401, customers 403; an unknown product 404', async () => {
    const guest = new Browser(app.baseUrl);
    await guest.csrf();
    assert.equal((await guest.call('GET', '/api/admin/products')).status, 401);
    assert.equal((await guest.call('POST', '/api/admin/products', { title: 'X' })).status, 401);
    assert.equal((await customer.call('GET', '/api/admin/products')).status, 403);
    assert.equal((await customer.call('GET', `/api/admin/products/${id}`)).status, 403);
    assert.equal((await customer.call('POST', '/api/admin/products', { title: 'X' })).status, 403);
    assert.equal((await customer.call('PATCH', `/api/admin/products/${id}`, { version, title: 'X' })).status, 403);
    assert.equal((await customer.call('POST', `/api/admin/products/${id}/publish`, { version })).status, 403);
    assert.equal((await merchant.call('GET', '/api/admin/products/p-nothing')).status, 404);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
