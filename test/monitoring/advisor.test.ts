// Every advisor check fires on a store set up to trigger it and stays quiet otherwise; the collector reads a real
// store (dynalite, a folder, PGlite) and a real Prometheus histogram.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Document, NodeIO } from '@gltf-transform/core';
import { EXTMeshoptCompression } from '@gltf-transform/extensions';
import { PgQueue } from '../../src/compute/queue/pg-queue.ts';
import { CHECKS, advise, type StoreSnapshot } from '../../src/monitoring/advisor/checks.ts';
import { collectSnapshot, routeLatencies } from '../../src/monitoring/advisor/collect.ts';
import { Metrics } from '../../src/monitoring/metrics.ts';
import { openTestStores } from '../helpers/stores.ts';

const MB = 1024 * 1024;
const healthy: StoreSnapshot = {
  publicUrl: 'https://shop.example.com',
  assets: [{ id: 'a1', bytes: 400_000, status: 'ready', extensions: ['EXT_meshopt_compression'], referencedBy: 1 }],
  relational: 'postgres',
  backupsConfigured: true,
  deadLetters: 0,
  instances: 2,
  routes: [{ route: 'GET /api/products', p99Seconds: 0.005, count: 1000 }],
  responseCache: { hits: 990, misses: 10 },
  corsAllowAll: [],
  staffWithoutStrongPassword: 0,
};

const triggers: Record<string, Partial<StoreSnapshot>> = {
  oversizedModels: { assets: [{ id: 'big', bytes: 12 * MB, status: 'ready', extensions: [], referencedBy: 1 }] },
  uncompressedModels: { assets: [{ id: 'raw', bytes: 2 * MB, status: 'ready', extensions: [], referencedBy: 1 }] },
  unusedAssets: { assets: [{ id: 'orphan', bytes: 100, status: 'ready', extensions: ['EXT_meshopt_compression'], referencedBy: 0 }] },
  plainHttp: { publicUrl: 'http://shop.example.com' },
  weakStaffPasswords: { staffWithoutStrongPassword: 2 },
  permissiveCors: { corsAllowAll: ['/api/products'] },
  slowRoutes: { routes: [{ route: 'GET /api/search', p99Seconds: 1.5, count: 200 }] },
  lowCacheHitRatio: { responseCache: { hits: 100, misses: 400 } },
  noBackups: { backupsConfigured: false, relational: 'pglite' },
  deadLetters: { deadLetters: 3 },
  singleInstance: { instances: 1 },
};

describe('advisor checks', () => {
  it('a healthy store gets no findings', () => {
    assert.deepEqual(advise(healthy), []);
  });

  for (const [name, patch] of Object.entries(triggers)) {
    it(`${name} fires on a store set up for it, with evidence and a fix`, () => {
      const findings = CHECKS[name]!({ ...healthy, ...patch });
      assert.equal(findings.length, 1);
      const f = findings[0]!;
      assert.ok(f.evidence.length > 0 && f.fix.length > 0 && ['high', 'medium', 'low'].includes(f.severity));
      assert.deepEqual(CHECKS[name]!(healthy), [], `${name} stays quiet on a healthy store`);
    });
  }

  it('covers every check and orders findings by severity', () => {
    assert.deepEqual(Object.keys(triggers).sort(), Object.keys(CHECKS).sort());
    const all = advise(Object.assign({}, healthy, ...Object.values(triggers)) as StoreSnapshot);
    const ranks = all.map((f) => ({ high: 0, medium: 1, low: 2 })[f.severity]);
    assert.deepEqual(ranks, [...ranks].sort());
  });
});

describe('advisor collector', () => {
  it('reads p99 per route from the request-duration histogram', async () => {
    const m = new Metrics();
    for (let i = 0; i < 99; i++) m.httpDuration.observe({ method: 'GET', route: '/api/products', status_class: '2xx' }, 0.002);
    m.httpDuration.observe({ method: 'GET', route: '/api/products', status_class: '5xx' }, 3);
    for (let i = 0; i < 50; i++) m.httpDuration.observe({ method: 'GET', route: '/slow', status_class: '2xx' }, 0.4);
    const routes = routeLatencies(await m.registry.metrics());
    assert.deepEqual(routes.find((r) => r.route === 'GET /api/products'), { route: 'GET /api/products', p99Seconds: 0.0025, count: 100 });
    assert.equal(routes.find((r) => r.route === 'GET /slow')?.p99Seconds, 0.5);
  });

  it('finds unused and uncompressed models in a real store by reading only the GLB header', async () => {
    const stores = await openTestStores();
    const { catalog, relational, objects } = stores;
    try {
      const glb = async (meshopt: boolean, pad: number) => {
        const doc = new Document();
        if (meshopt) doc.createExtension(EXTMeshoptCompression).setRequired(true);
        doc.createBuffer();
        doc.getRoot().setExtras({ pad: 'x'.repeat(pad) });
        return new NodeIO().registerExtensions([EXTMeshoptCompression]).writeBinary(doc);
      };
      await objects.put('models/raw.glb', await glb(false, 2 * MB), { contentType: 'model/gltf-binary' });
      await objects.put('models/packed.glb', await glb(true, 10), { contentType: 'model/gltf-binary' });
      const now = new Date().toISOString();
      await catalog.repo.putAsset({ id: 'raw', status: 'ready', glbKey: 'models/raw.glb', bytes: 2 * MB + 200, materialVariants: [], version: 0, updatedAt: now });
      await catalog.repo.putAsset({ id: 'packed', status: 'ready', glbKey: 'models/packed.glb', bytes: 300, materialVariants: [], version: 0, updatedAt: now });
      const snapshot = await collectSnapshot({
        repo: catalog.repo,
        objects,
        queue: new PgQueue(relational),
        relational: 'pglite',
        backupsConfigured: false,
        instances: 1,
      });
      const packed = snapshot.assets.find((a) => a.id === 'packed')!;
      assert.deepEqual(packed.extensions, ['EXT_meshopt_compression']);
      const ids = advise(snapshot).map((f) => f.id);
      for (const id of ['cost.uncompressed-geometry', 'cost.unused-assets', 'fault-tolerance.no-backups', 'fault-tolerance.single-instance', 'security.no-tls']) {
        assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
      }
    } finally {
      await stores.close();
    }
  });
});
