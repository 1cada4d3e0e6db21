// Rate limits on state changes, per client address (behind a proxy: the forwarded one): a client over the limit
// gets 429 in the API's error shape with Retry-After, another client and reads are unaffected, and checkout has its
// own, lower limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('rate limits', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { SEED_DEMO: 'false', RUN_WORKER: 'false', TRUST_PROXY: '1', RATE_LIMIT_WRITES_PER_MINUTE: '5', RATE_LIMIT_CHECKOUTS_PER_MINUTE: '2' } });
  });
  after(async () => {
    await app?.close();
  });

  it('answers 429 with Retry-After after the limit, per client, and leaves reads alone', async () => {
    const a = new Browser(app.baseUrl);
    const b = new Browser(app.baseUrl);
    await a.csrf();
    await b.csrf();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await a.call('POST', '/api/cart/lines', { variantId: 'no-such-variant', quantity: 1 })).status);
    assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429]);
    const limited = await a.call('POST', '/api/cart/lines', { variantId: 'no-such-variant', quantity: 1 });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'RATE_LIMITED');
    assert.match(limited.body.error.message, /at most 5 a minute; retry in \d+ s/);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await a.call('GET', '/api/cart')).status, 200, 'reads are not limited');
    assert.equal((await b.call('POST', '/api/cart/lines', { variantId: 'no-such-variant', quantity: 1 })).status, 404, 'another client is not');
  });

  it('limits checkout attempts more tightly', async () => {
    const c = new Browser(app.baseUrl);
    await c.csrf();
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push((await c.call('POST', '/api/checkout', {}, { headers: { 'idempotency-key': `rate-limit-${i}-xx` } })).status);
    assert.deepEqual(tries, [400, 400, 429]);
  });
});
