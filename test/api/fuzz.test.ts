// Property-based requests against the running shop (fast-check): every operation in the OpenAPI document is called
// with random path parameters, query strings and JSON bodies, as a signed-in admin (so requests get past the
// permission checks to the validation behind them). Whatever comes in, the answer is never a 5xx, and every error is
// the API's { error: { code, message } }. Then the model upload path: mutated GLBs and zips are refused with a clear
// ModelInputError, or accepted, never anything else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { prepareInput } from '../../src/assets/unpack.ts';
import { loadPipelineTools, type PipelineTools } from '../../src/assets/tools.ts';
import { validate } from '../../src/assets/validate.ts';
import { Browser } from '../accounts/client.ts';
import { demoModel } from '../assets/fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 15);

describe('random requests to every operation', () => {
  let app: TestApp;
  let admin: Browser;
  // any: the OpenAPI document is JSON whose shape the test walks
  let doc: any;
  before(async () => {
    app = await startTestApp({ env: { SEED_DEMO: 'false', RUN_WORKER: 'false', TRUST_PROXY: '1', RATE_LIMIT_WRITES_PER_MINUTE: '1000000', RATE_LIMIT_CHECKOUTS_PER_MINUTE: '1000000' } });
    admin = new Browser(app.baseUrl);
    const email = 'fuzz-admin@example.com';
    assert.equal((await admin.signup(email, 'Sturdy-passw0rd')).status, 201);
    await app.shop.runtime.relational.db.updateTable('accounts').set({ role: 'admin' }).where('email', '=', email).execute();
    doc = await (await fetch(`${app.baseUrl}/api/openapi.json`)).json();
  });
  after(async () => {
    await app?.close();
  });

  const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('1', '-1', '0', 'ord_x', '..', '%2e%2e', 'a'.repeat(300), '\u0000', '😀'));
  const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'q', 'category', 'to', 'actor', 'action', 'targetType', 'targetId', 'x'), fc.string({ maxLength: 30 }), { maxKeys: 4 });
  const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom('email', 'password', 'variantId', 'quantity', 'amount', 'carrier', 'trackingNumber', 'address', 'label', 'id', 'all', 'role', 'country'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }));

  it('never answers 5xx, and every error has a code and a message', async () => {
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method: method.toUpperCase() })));
    assert.ok(operations.length >= 35);
    const failures: string[] = [];
    for (const op of operations) {
      if (op.path === '/api/auth/logout' || op.path === '/api/auth/logout-all' || op.path === '/api/auth/password') continue; // would end the admin's own session
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 3, maxLength: 3 }), query, body, async (params, q, b) => {
          let i = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++ % params.length]!));
          const qs = new URLSearchParams(q).toString();
          const withBody = op.method !== 'GET' && op.method !== 'DELETE';
          const res = await admin.call(op.method, `${path}${qs ? `?${qs}` : ''}`, withBody ? b : undefined, { headers: { 'idempotency-key': 'fuzz-key-0001' } });
          if (res.status >= 500 || (res.status >= 400 && (typeof res.body?.error?.code !== 'string' || typeof res.body?.error?.message !== 'string'))) {
            failures.push(`${op.method} ${path}?${qs} ${JSON.stringify(b)?.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`);
            return false;
          }
          return true;
        }),
        { numRuns: RUNS, seed: 42, endOnFailure: true },
      ).catch(() => {});
    }
    assert.deepEqual(failures, []);
  });
});

describe('mutated model files', () => {
  let tools: PipelineTools;
  let glb: Uint8Array;
  before(async () => {
    tools = await loadPipelineTools();
    glb = await demoModel('ceramic-mug');
  });

  it('are refused with a clear ModelInputError or read as a model, never a crash', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), count: fc.integer({ min: 1, max: 16 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0), count: fc.constant(0) }),
      fc.record({ kind: fc.constant('random' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), count: fc.integer({ min: 0, max: 2048 }) }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, fc.uint8Array({ maxLength: 2048 }), async (m, noise) => {
        let bytes: Uint8Array;
        if (m.kind === 'truncate') bytes = glb.subarray(0, m.at % glb.byteLength);
        else if (m.kind === 'random') bytes = noise;
        else {
          bytes = new Uint8Array(glb);
          for (let k = 0; k < m.count; k++) bytes[(m.at + k * 7919) % bytes.length] = (m.value + k) & 0xff;
        }
        try {
          const prepared = await prepareInput(bytes, { io: tools.io, filename: 'fuzz.glb' });
          await validate(prepared.glb, { validator: tools.validator, io: tools.io }); // a verdict, not an exception
        } catch (err) {
          if ((err as Error).name !== 'ModelInputError' || !(err as Error).message) throw err;
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: 7 },
    );
  });
});
