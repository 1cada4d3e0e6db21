// The OpenAPI document is generated from the zod schemas the routes validate with. These tests hold it to the
// running app: every /api route the server answers is in the document with its request and a 2xx response
// schema, the document describes what the server really returns, and the docs page renders under the shop's CSP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { browserSkip, CHROMIUM, CHROMIUM_ARGS } from '../browser/browser-kit.ts';

let app: TestApp;
// any: the OpenAPI document is JSON whose shape the assertions walk
let doc: any;
before(async () => {
  app = await startTestApp({ env: { SEED_DEMO: 'false' } });
  const res = await fetch(`${app.baseUrl}/api/openapi.json`);
  assert.equal(res.status, 200);
  doc = await res.json();
});
after(async () => {
  await app?.close();
});

/** The server's own route table (Fastify's printRoutes tree), flattened to "METHOD /path" with OpenAPI {params}. */
function serverRoutes(): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.shop.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')}`);
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3 and lists every /api route the server answers (and no page or asset routes)', () => {
    assert.match(doc.openapi, /^3\./);
    assert.equal(doc.info.title, 'Vitrine API');
    const api = serverRoutes().filter((r) => / \/api\//.test(r) && !/ \/api\/(docs|openapi\.json)/.test(r));
    assert.ok(api.length >= 30, `found ${api.length} API routes on the server`);
    const documented = new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    const missing = api.filter((r) => !documented.has(r));
    assert.deepEqual(missing, [], 'every API route is documented');
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/static') || p === '/{*}' || p === '/metrics'));
  });

  it('gives every operation a success response with a schema (or 204), its inputs, and the shared error shape', () => {
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
        if (ok.length === 0) problems.push(`${where}: no 2xx response`);
        for (const [code, r] of ok) if (code !== '204' && !(r as any).content?.['application/json']?.schema) problems.push(`${where}: ${code} has no JSON schema`);
        if (!op.responses?.['4XX']?.content) problems.push(`${where}: errors undocumented`);
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          const param = name.slice(1, -1);
          if (param !== '*' && !(op.parameters ?? []).some((p: { in: string; name: string }) => p.in === 'path' && p.name === param)) problems.push(`${where}: path parameter ${param} undocumented`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('describes requests as the server validates them: checkout needs its Idempotency-Key, the cart line its fields', () => {
    const checkout = doc.paths['/api/checkout'].post;
    assert.ok(checkout.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === 'header' && p.name === 'idempotency-key' && p.required));
    assert.deepEqual(Object.keys(checkout.responses).filter((c) => /^\d+$/.test(c)).sort(), ['201', '202', '402']);
    const line = doc.paths['/api/cart/lines'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(line.properties).sort(), ['quantity', 'variantId']);
    assert.equal(line.additionalProperties, false, 'unknown fields (a price!) are refused');
    const statuses = doc.paths['/api/admin/orders'].get.parameters.find((p: { name: string }) => p.name === 'status').schema.enum;
    assert.deepEqual(statuses.sort(), ['cancelled', 'fulfilled', 'paid', 'payment_failed', 'pending_payment', 'refunded']);
  });

  it('matches what the server returns: a cart answer has exactly the documented fields', async () => {
    const cart = (await (await fetch(`${app.baseUrl}/api/cart`)).json()) as Record<string, unknown>;
    const schema = doc.paths['/api/cart'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(cart).sort(), Object.keys(schema.properties).sort());
  });
});

describe('the docs page', { skip: browserSkip() }, () => {
  it('renders every operation in Swagger UI under the shop’s Content-Security-Policy, with no inline script', async () => {
    const res = await fetch(`${app.baseUrl}/api/docs/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(await res.text(), /<script>(?!\s*<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') violations.push(m.text());
      });
      await page.goto(`${app.baseUrl}/api/docs/`);
      await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
      const shown = await page.locator('.opblock').count();
      const operations = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
      assert.equal(shown, operations, 'one block per documented operation');
      assert.ok(await page.getByText('/api/checkout', { exact: true }).first().isVisible());
      assert.deepEqual(violations.filter((v) => /Content Security Policy|Refused/.test(v)), []);
    } finally {
      await browser.close();
    }
  });
});
