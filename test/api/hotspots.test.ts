// Hotspots on a model (issue #8): a merchant replaces a model's list of labelled points, checked against the model's
// box and limits, versioned so a stale edit is refused, logged with before and after; the product page's API gives
// them with the model. On the whole shop with the demo catalog.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { listAudit } from '../../src/databases/relational/audit.ts';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';

const PASSWORD = 'correct horse 42';
type Vec3 = [number, number, number];
interface HotspotJson {
  id: string;
  label: string;
  position: Vec3;
  normal: Vec3;
}
interface ModelAnswer {
  product: { id: string; slug: string; title: string };
  asset: { id: string; status: string; bounds: { min: Vec3; max: Vec3 } | null; hotspots: HotspotJson[]; hotspotsVersion: number; glb: string | null } | null;
}

let app: TestApp;
let merchant: Browser;
let customer: Browser;
const slug = 'dining-chair';
const productId = `demo-${slug}`;
const assetId = `demo-${slug}`;
const path = `/api/admin/assets/${assetId}/hotspots`;
let box: { min: Vec3; max: Vec3 };
let centre: Vec3;

const publicHotspots = async (): Promise<HotspotJson[] | undefined> => {
  const p = (await (await fetch(`${app.baseUrl}/api/products/${slug}`)).json()) as { model: { hotspots: HotspotJson[] } | null };
  return p.model?.hotspots;
};
const model = async (): Promise<ModelAnswer> => {
  const res = await merchant.call('GET', `/api/admin/products/${productId}/model`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as ModelAnswer;
};

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

describe('the merchant’s 3D panel data: GET /api/admin/products/:productId/model', () => {
  it('gives the product’s model with its box, URLs and (no) hotspots yet', async () => {
    const m = await model();
    assert.equal(m.product.slug, slug);
    assert.ok(m.asset, 'the demo product has a model');
    assert.equal(m.asset.id, assetId);
    assert.equal(m.asset.status, 'ready');
    assert.match(m.asset.glb ?? '', /^\/assets\/models\//);
    assert.ok(m.asset.bounds, 'the demo seed records the model’s box');
    box = m.asset.bounds;
    for (let i = 0; i < 3; i++) assert.ok(box.max[i]! > box.min[i]!, 'a real box');
    centre = [0, 1, 2].map((i) => (box.min[i]! + box.max[i]!) / 2) as Vec3;
    assert.deepEqual(m.asset.hotspots, []);
    assert.equal(m.asset.hotspotsVersion, 0);
    assert.deepEqual(await publicHotspots(), [], 'the public DTO always has the list');
  });

  it('is for staff only, and 404s an unknown product', async () => {
    assert.equal((await customer.call('GET', `/api/admin/products/${productId}/model`)).status, 403);
    const guest = new Browser(app.baseUrl);
    assert.equal((await guest.call('GET', `/api/admin/products/${productId}/model`)).status, 401);
    assert.equal((await merchant.call('GET', '/api/admin/products/no-such-product/model')).status, 404);
  });
});

describe('PUT /api/admin/assets/:assetId/hotspots', () => {
  it('stores the list (labels trimmed, normals made unit), logs before and after, and the storefront gets it', async () => {
    const hinge = { id: 'hinge', label: '  Soft-close hinge ', position: centre, normal: [0, 2, 0] as Vec3 };
    const top = { id: 'top-1', label: 'Oiled oak top', position: box.max, normal: [1, 1, 0] as Vec3 };
    const res = await merchant.call('PUT', path, { version: 0, hotspots: [hinge, top] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    const saved = res.body.asset as { id: string; version: number; hotspots: HotspotJson[] };
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.hotspots.map((h) => h.label), ['Soft-close hinge', 'Oiled oak top']);
    assert.deepEqual(saved.hotspots[0]!.normal, [0, 1, 0]);
    const [nx, ny, nz] = saved.hotspots[1]!.normal;
    assert.ok(Math.abs(Math.hypot(nx, ny, nz) - 1) < 1e-5, 'unit normal');
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(saved.hotspots[0]!.position[i]! - centre[i]!) < 1e-5);

    const audit = await listAudit(app.shop.runtime.relational.db, { action: 'asset.hotspots', limit: 10 });
    const entry = audit.items.find((e) => e.target.id === assetId);
    assert.ok(entry, 'an audit entry');
    assert.equal(entry.target.type, 'asset');
    assert.deepEqual(entry.before, { version: 0, hotspots: [] });
    assert.deepEqual(entry.after, { version: 1, hotspots: saved.hotspots });
    assert.match(entry.actor.email, /^merchant-/, 'who did it');

    await until(async () => (await publicHotspots())?.length === 2, 'the product page’s API shows the hotspots', 20_000);
    assert.deepEqual(await publicHotspots(), saved.hotspots);
    assert.equal((await model()).asset!.hotspotsVersion, 1);
  });

  it('refuses a stale version with 409 and keeps what the other edit saved', async () => {
    const stale = await merchant.call('PUT', path, { version: 0, hotspots: [] });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'STALE');
    assert.match(stale.body.error.message, /reload/);
    const ahead = await merchant.call('PUT', path, { version: 7, hotspots: [] });
    assert.equal(ahead.status, 409);
    const m = await model();
    assert.equal(m.asset!.hotspots.length, 2);
    assert.equal(m.asset!.hotspotsVersion, 1);
  });

  it('refuses what breaks the limits with 400 naming the field, and changes nothing', async () => {
    const ok = (over: Partial<HotspotJson> = {}): HotspotJson => ({ id: 'a', label: 'A', position: centre, normal: [0, 1, 0], ...over });
    const outside: Vec3 = [box.max[0] + (box.max[0] - box.min[0]), centre[1], centre[2]];
    const many = Array.from({ length: 25 }, (_, i) => ok({ id: `h${i}` }));
    const cases: [unknown, RegExp][] = [
      [{ hotspots: [] }, /version: is required/],
      [{ version: 1 }, /hotspots: is required/],
      [{ version: 1, hotspots: many }, /at most 24 hotspots/],
      [{ version: 1, hotspots: [ok({ label: '' })] }, /hotspots\.0\.label: must not be empty/],
      [{ version: 1, hotspots: [ok({ label: '   ' })] }, /hotspots\.0\.label: must not be empty/],
      [{ version: 1, hotspots: [ok({ label: 'x'.repeat(81) })] }, /label: must be at most 80 characters/],
      [{ version: 1, hotspots: [ok({ label: 'Hinge\u0007' })] }, /label: must not contain control characters/],
      [{ version: 1, hotspots: [ok({ id: 'Bad id!' })] }, /hotspots\.0\.id: must be 1–40 lowercase letters/],
      [{ version: 1, hotspots: [ok(), ok()] }, /hotspots\[1\]\.id: a is used twice/],
      [{ version: 1, hotspots: [ok({ position: outside })] }, /hotspots\[0\]\.position: x = .* is outside the model/],
      [{ version: 1, hotspots: [ok({ normal: [0, 0, 0] })] }, /hotspots\[0\]\.normal: must not be zero/],
      [{ version: 1, hotspots: [ok({ position: [0, 1] as unknown as Vec3 })] }, /position/],
      [{ version: 1, hotspots: [{ ...ok(), colour: 'red' }] }, /colour|Unrecognized/i],
      [{ version: 1, hotspots: [ok()], extra: true }, /extra|Unrecognized/i],
      // JSON has no Infinity, but 1e999 parses to it.
      [`{"version":1,"hotspots":[{"id":"a","label":"A","position":[1e999,0,0],"normal":[0,1,0]}]}`, /position/],
    ];
    for (const [body, message] of cases) {
      const res = await merchant.call('PUT', path, body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 120)} → ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.code, /^(INVALID_REQUEST|INVALID_DATA)$/);
      assert.match(res.body.error.message, message, JSON.stringify(body).slice(0, 120));
    }
    const m = await model();
    assert.equal(m.asset!.hotspotsVersion, 1);
    assert.equal(m.asset!.hotspots.length, 2);
  });

  it('takes the full 24, and an empty list removes them all', async () => {
    const full = Array.from({ length: 24 }, (_, i) => ({ id: `h${i}`, label: `Point ${i + 1}`, position: centre, normal: [0, 0, 1] }));
    const res = await merchant.call('PUT', path, { version: 1, hotspots: full });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.asset.hotspots.length, 24);
    const cleared = await merchant.call('PUT', path, { version: 2, hotspots: [] });
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body.asset, { id: assetId, version: 3, hotspots: [] });
    await until(async () => (await publicHotspots())?.length === 0, 'the storefront’s list is empty again', 20_000);
  });

  it('is for staff only: guests get 401 and customers 403; an unknown asset is 404', async () => {
    const body = { version: 3, hotspots: [] };
    const guest = new Browser(app.baseUrl);
    await guest.csrf();
    assert.equal((await guest.call('PUT', path, body)).status, 401);
    const refused = await customer.call('PUT', path, body);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    const forged = await merchant.call('PUT', path, body, { csrf: false });
    assert.equal(forged.status, 403, 'a PUT without the CSRF header is refused');
    assert.equal(forged.body.error.code, 'CSRF');
    const missing = await merchant.call('PUT', '/api/admin/assets/upload-nothing-here/hotspots', body);
    assert.equal(missing.status, 404);
    assert.equal((await merchant.call('PUT', '/api/admin/assets/..%2Fetc/hotspots', body)).status, 400);
    assert.equal((await model()).asset!.hotspotsVersion, 3, 'nothing written');
  });
});
