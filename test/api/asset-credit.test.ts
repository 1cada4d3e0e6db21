// A model's credit (issue #8): a merchant sets the author and licence a CC-BY model must show, the product page's
// API gives it with the model, and bad input is refused with 400 naming the field. On the whole shop (demo catalog),
// whose own procedural models carry no credit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { listAudit } from '../../src/databases/relational/audit.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

const PASSWORD = 'correct horse 42';
const CC_BY = { author: 'Jane Modeller', licence: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' };

interface Detail {
  model: { credit?: { author: string; licence: string; url?: string } } | null;
  credit?: string;
}

let app: TestApp;
let merchant: Browser;
let customer: Browser;
const slug = 'dining-chair';
const assetId = `demo-${slug}`;
const path = `/api/admin/assets/${assetId}`;
const detail = async (): Promise<Detail> => (await (await fetch(`${app.baseUrl}/api/products/${slug}`)).json()) as Detail;

before(async () => {
  app = await startTestApp();
  merchant = new Browser(app.baseUrl);
  customer = new Browser(app.baseUrl);
  const email = `merchant-${randomUUID().slice(0, 8)}@example.test`;
  assert.equal((await merchant.signup(email, PASSWORD)).status, 201);
  assert.equal((await customer.signup(`customer-${randomUUID().slice(0, 8)}@example.test`, PASSWORD)).status, 201);
  await setRole(app.shop.runtime.relational.db, email, 'merchant');
});
after(async () => {
  await app?.close();
});

describe('PATCH /api/admin/assets/:assetId (a model’s credit)', () => {
  it('the demo’s procedural models carry no credit', async () => {
    const p = await detail();
    assert.ok(p.model, 'the demo product has a model');
    assert.equal(p.model.credit, undefined);
    assert.equal(p.credit, undefined);
  });

  it('sets a CC-BY credit that the product page’s API then gives with the model, and logs who did it', async () => {
    const res = await merchant.call('PATCH', path, { credit: { ...CC_BY, author: '  Jane Modeller ' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { asset: { id: assetId, status: 'ready', credit: CC_BY } }, 'text is trimmed');
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    await until(async () => (await detail()).model?.credit !== undefined, 'the catalog shows the credit', 20_000);
    const p = await detail();
    assert.deepEqual(p.model!.credit, CC_BY);
    assert.equal(p.credit, 'Jane Modeller, CC BY 4.0', 'the one-line form older clients read');

    const audit = await listAudit(app.shop.runtime.relational.db, { action: 'asset.credit', limit: 10 });
    const entry = audit.items.find((e) => e.target.id === assetId);
    assert.ok(entry, 'an audit entry');
    assert.deepEqual(entry.before, { credit: null });
    assert.deepEqual(entry.after, { credit: CC_BY });
  });

  it('a credit without a link is fine; null removes it', async () => {
    const plain = await merchant.call('PATCH', path, { credit: { author: 'Sam', licence: 'CC0' } });
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.body.asset.credit, { author: 'Sam', licence: 'CC0' });
    const removed = await merchant.call('PATCH', path, { credit: null });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.asset.credit, null);
    await until(async () => (await detail()).model?.credit === undefined, 'the credit is gone from the catalog', 20_000);
    assert.equal((await detail()).credit, undefined);
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /credit: is required/],
      [{ credit: 'Jane, CC BY' }, /credit: is required/],
      [{ credit: { licence: 'CC BY 4.0' } }, /credit\.author: is required/],
      [{ credit: { author: '   ', licence: 'CC BY 4.0' } }, /credit\.author: must not be empty/],
      [{ credit: { author: 'Jane', licence: 'x'.repeat(101) } }, /credit\.licence: must be at most 100 characters/],
      [{ credit: { author: 'Jane\u0000', licence: 'CC BY 4.0' } }, /credit\.author: must not contain control characters/],
      [{ credit: { ...CC_BY, url: 'javascript:alert(1)' } }, /credit\.url: must be the http\(s\) address of the licence/],
      [{ credit: { ...CC_BY, url: 'creativecommons.org/licenses/by/4.0/' } }, /credit\.url: must be the http\(s\) address/],
      [{ credit: { ...CC_BY, title: 'Chair' } }, /credit/],
      [{ credit: null, price: 1 }, /price|Unrecognized/i],
    ];
    for (const [body, message] of cases) {
      const res = await merchant.call('PATCH', path, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'INVALID_REQUEST');
      assert.match(res.body.error.message, message, JSON.stringify(body));
    }
    const bad = await merchant.call('PATCH', '/api/admin/assets/..%2Fetc', { credit: null });
    assert.equal(bad.status, 400);
    assert.equal((await app.shop.runtime.catalog.repo.getAsset(assetId))?.credit, undefined);
  });

  it('404s an unknown asset; guests get 401 and customers 403', async () => {
    const missing = await merchant.call('PATCH', '/api/admin/assets/upload-nothing-here', { credit: null });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    const guest = new Browser(app.baseUrl);
    await guest.csrf();
    assert.equal((await guest.call('PATCH', path, { credit: CC_BY })).status, 401);
    assert.equal((await customer.call('PATCH', path, { credit: CC_BY })).status, 403);
  });
});
