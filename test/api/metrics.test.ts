// /metrics as an operator's scraper sees it: private (a bearer token), and numbers that move with traffic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const TOKEN = 'scrape-token-0123456789';
let app: TestApp;
before(async () => {
  app = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
});
after(async () => {
  await app?.close();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  return res.text();
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics', () => {
  it('is not served without the token (and does not say it exists)', async () => {
    assert.equal((await fetch(`${app.baseUrl}/metrics`)).status, 404);
    assert.equal((await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status, 404);
  });

  it('counts requests per route, cache hits, asset bytes, and reports catalog and queue state', async () => {
    const before = await scrape();
    const series = 'http_requests_total{method="GET",route="/api/products",status="200"}';
    const list = (await (await fetch(`${app.baseUrl}/api/products?limit=2`)).json()) as { items: { model: { glb: string } }[] };
    await fetch(`${app.baseUrl}/api/products?limit=2`);
    await fetch(`${app.baseUrl}/api/products?limit=2`);
    const glb = await fetch(app.baseUrl + list.items[0]!.model.glb);
    const glbBytes = (await glb.arrayBuffer()).byteLength;
    const after = await scrape();

    assert.equal(value(after, series) - value(before, series), 3);
    assert.ok(value(after, 'catalog_response_cache_total{result="hit"}') - value(before, 'catalog_response_cache_total{result="hit"}') >= 2);
    assert.equal(value(after, 'asset_bytes_served_total{kind="models"}') - value(before, 'asset_bytes_served_total{kind="models"}'), glbBytes);
    assert.ok(value(after, 'catalog_readmodel_entities{kind="product"}') >= 24);
    assert.ok(after.includes('queue_depth{state="dead"}'));
    assert.match(after, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/products",status_class="2xx"\}/);
    assert.ok(!after.includes('ceramic-mug'), 'routes are patterns, never per-product URLs');
  });
});
