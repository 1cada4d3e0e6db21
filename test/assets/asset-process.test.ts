// asset.process end to end on real parts: an uploaded GLB in object storage (a folder), a pending asset record in
// the catalog (dynalite), the job in the durable queue (PGlite), the worker running the handler with a real
// Chromium. Then what makes it safe to run twice: a repeat is a no-op, and a run that resumes after a crash
// produces the same keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BrowserProvider, launchOnDemand } from '../../src/assets/browser.ts';
import { checkUsdz } from '../../src/assets/export-usdz.ts';
import { inspectDocument, readGlb } from '../../src/assets/inspect.ts';
import { loadPipelineTools } from '../../src/assets/tools.ts';
import { ASSET_PROCESS } from '../../src/compute/handlers/asset-process.ts';
import { createHandlers } from '../../src/compute/handlers/index.ts';
import { PgQueue, Worker } from '../../src/compute/queue/pg-queue.ts';
import type { Asset3D } from '../../src/domain/catalog.ts';
import { readObject } from '../../src/storage/index.ts';
import { openTestStores, type TestStores } from '../helpers/stores.ts';
import { demoModel, editGlbJson, noChromium } from './fixtures.ts';

let stores: TestStores;
let catalog: TestStores['catalog'];
let relational: TestStores['relational'];
let objects: TestStores['objects'];
let browser: BrowserProvider;

async function upload(id: string, bytes: Uint8Array): Promise<Asset3D> {
  const sourceKey = `uploads/${id}/model.glb`;
  await objects.put(sourceKey, bytes, { contentType: 'model/gltf-binary' });
  return catalog.repo.putAsset({ id, status: 'pending', sourceKey, materialVariants: [], version: 0, updatedAt: new Date().toISOString() });
}

async function bytesOf(key: string): Promise<Buffer> {
  const bytes = await readObject(objects, key);
  assert.ok(bytes, `object ${key} exists`);
  return bytes;
}

const runJob = (handlers: ReturnType<typeof createHandlers>, assetId: string) =>
  handlers[ASSET_PROCESS]!({ id: `job-${assetId}`, type: ASSET_PROCESS, payload: { assetId } as never, attempt: 1 });

describe('asset.process', { skip: noChromium, timeout: 600_000 }, () => {
  before(async () => {
    stores = await openTestStores();
    ({ catalog, relational, objects } = stores);
    browser = launchOnDemand();
  });
  after(async () => {
    await browser?.close();
    await stores?.close();
  });

  let first: Asset3D;

  it('turns a pending upload into a ready asset: optimised GLB, posters, USDZ and a report', async () => {
    const glb = await demoModel('ceramic-mug');
    await upload('mug', glb);
    const queue = new PgQueue(relational);
    await queue.enqueue(ASSET_PROCESS, { assetId: 'mug' }, { dedupeKey: 'process:mug' });
    const errors: Error[] = [];
    const worker = new Worker(relational, createHandlers({ repo: catalog.repo, objects, browser }), {
      pollMs: 50,
      visibilityTimeoutMs: 600_000, // a model takes 10–40 s here; the claim must outlast it
      onError: (err) => errors.push(err),
    });
    const t0 = performance.now();
    worker.start();
    try {
      for (let i = 0; i < 3000; i++) {
        const a = await catalog.repo.getAsset('mug');
        if (a?.status === 'ready' || a?.status === 'failed' || errors.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await worker.stop();
    }
    assert.deepEqual(errors, []);
    first = (await catalog.repo.getAsset('mug'))!;
    assert.equal(first.status, 'ready', first.error);
    console.log(`ceramic-mug processed in ${Math.round(performance.now() - t0)} ms: ${JSON.stringify(first.report?.timingsMs)}`);

    // The upload is kept; the published model is another, smaller file under a content-hashed key.
    assert.equal(first.sourceKey, 'uploads/mug/model.glb');
    assert.match(first.glbKey!, /^models\/[0-9a-f]{16}\/mug\.glb$/);
    const published = await bytesOf(first.glbKey!);
    assert.ok(published.byteLength < glb.byteLength);
    assert.equal(first.bytes, published.byteLength);
    assert.equal((await objects.head(first.glbKey!))?.contentType, 'model/gltf-binary');

    // What the record says is what the published file is.
    const tools = await loadPipelineTools();
    const facts = inspectDocument(await readGlb(published, tools.io));
    assert.deepEqual(first.materialVariants, ['Chalk', 'Sage', 'Clay']);
    assert.deepEqual(facts.materialVariants, first.materialVariants);
    assert.equal(first.triangles, inspectDocument(await readGlb(glb)).triangles);
    assert.deepEqual(first.dimensions, facts.dimensions);

    // Posters: six files, the default one the widest WebP.
    assert.equal(first.posters?.length, 6);
    for (const p of first.posters!) {
      assert.match(p.key, /^posters\/[0-9a-f]{16}\/mug-poster-\d+\.(webp|avif)$/);
      const meta = await tools.sharp(await bytesOf(p.key)).metadata();
      assert.equal(meta.width, p.width);
    }
    assert.equal(first.posterKey, first.posters!.find((p) => p.width === 1024 && p.mimeType === 'image/webp')!.key);

    // USDZ for Quick Look, checked as a package.
    assert.match(first.usdzKey!, /^usdz\/[0-9a-f]{16}\/mug\.usdz$/);
    assert.ok(checkUsdz(await bytesOf(first.usdzKey!)).length >= 2);

    const report = first.report!;
    assert.equal(report.validation.input.errors, 0);
    assert.equal(report.validation.output?.errors, 0);
    assert.equal(report.publishedOriginal, false);
    assert.equal(report.optimisation?.trianglesAfter, report.optimisation?.trianglesBefore);
    assert.equal(report.optimisation?.bytesAfter, published.byteLength);
    assert.equal(report.ssim?.length, 4);
    for (const v of report.ssim!) assert.ok(v.ssim >= 0.97, `${v.orbit}: ${v.ssim}`);
    assert.equal(report.usdz?.produced, true);
    assert.match(report.usdz!.note, /default material only/);
    assert.ok(report.timingsMs.total! > 0);
    assert.equal(report.notes, undefined, 'no refused requests, page errors or optimiser warnings');
  });

  it('does nothing when the job runs again', async () => {
    const handlers = createHandlers({ repo: catalog.repo, objects, browser });
    await runJob(handlers, 'mug');
    const again = await catalog.repo.getAsset('mug');
    assert.equal(again?.version, first.version);
  });

  it('resuming after a crash (asset left "processing") produces the same keys', async () => {
    // As the record was after the claim: processing this upload, no outputs yet (the objects may exist already).
    const done = (await catalog.repo.getAsset('mug'))!;
    const claimed: Asset3D = { id: 'mug', status: 'processing', sourceKey: done.sourceKey, materialVariants: [], version: done.version, updatedAt: done.updatedAt };
    await catalog.repo.putAsset(claimed, done.version);
    await runJob(createHandlers({ repo: catalog.repo, objects, browser }), 'mug');
    const resumed = (await catalog.repo.getAsset('mug'))!;
    assert.equal(resumed.status, 'ready');
    assert.equal(resumed.glbKey, first.glbKey);
    assert.equal(resumed.usdzKey, first.usdzKey);
    assert.deepEqual(resumed.posters, first.posters);
    assert.deepEqual(resumed.report?.ssim, first.report?.ssim);
  });

  it('marks an invalid upload failed with the validator messages for the merchant', async () => {
    const broken = editGlbJson(await demoModel('ceramic-mug'), (json) => {
      (json.accessors as { count: number }[])[0]!.count = 10_000_000;
    });
    await upload('broken', broken);
    await runJob(createHandlers({ repo: catalog.repo, objects, browser }), 'broken');
    const a = (await catalog.repo.getAsset('broken'))!;
    assert.equal(a.status, 'failed');
    assert.match(a.error ?? '', /^The model is not valid glTF \(\d+ errors?\): \w+ at \/accessors\/0/);
    assert.ok(a.report!.validation.input.errors > 0);
    assert.equal(a.report!.validation.input.messages[0]!.severity, 'error');
    assert.equal(a.glbKey, undefined);
    assert.equal(a.sourceKey, 'uploads/broken/model.glb');
  });

  it('marks a valid file that needs an extension nothing here can read as failed, saying which', async () => {
    const needsVendor = editGlbJson(await demoModel('ceramic-mug'), (json) => {
      json.extensionsUsed = [...(json.extensionsUsed as string[]), 'VENDOR_required_thing'];
      json.extensionsRequired = ['VENDOR_required_thing'];
    });
    await upload('vendor', needsVendor);
    await runJob(createHandlers({ repo: catalog.repo, objects, browser }), 'vendor');
    const a = (await catalog.repo.getAsset('vendor'))!;
    assert.equal(a.status, 'failed');
    assert.equal(a.report!.validation.input.errors, 0, 'the validator only notes extensions it does not know');
    assert.match(a.error ?? '', /could not be read: .*VENDOR_required_thing/);
  });

  it('out of attempts for a reason on our side, it is failed and says so; a replay after the fix processes it', async () => {
    const handlers = createHandlers({ repo: catalog.repo, objects, browser });
    await catalog.repo.putAsset({ id: 'lost', status: 'pending', sourceKey: 'uploads/lost/model.glb', materialVariants: [], version: 0, updatedAt: new Date().toISOString() });
    const attempt = (n: number, lastAttempt: boolean) => handlers[ASSET_PROCESS]!({ id: 'job-lost', type: ASSET_PROCESS, payload: { assetId: 'lost' } as never, attempt: n, lastAttempt });
    await assert.rejects(attempt(1, false), /missing from storage/);
    assert.equal((await catalog.repo.getAsset('lost'))?.status, 'processing', 'a retry is coming');
    await assert.rejects(attempt(5, true), /missing from storage/);
    const gaveUp = (await catalog.repo.getAsset('lost'))!;
    assert.equal(gaveUp.status, 'failed');
    assert.equal(gaveUp.retryable, true);
    assert.match(gaveUp.error ?? '', /Processing stopped after repeated failures on our side \(.*missing from storage\).*replay/);
    // The operator restores the file and replays the dead letter: a fresh attempt.
    await objects.put('uploads/lost/model.glb', await demoModel('ceramic-mug'), { contentType: 'model/gltf-binary' });
    await attempt(1, false);
    const ready = (await catalog.repo.getAsset('lost'))!;
    assert.equal(ready.status, 'ready');
    assert.equal(ready.retryable, undefined);
    assert.equal(ready.error, undefined);
  });

  it('says what is missing when the worker has no browser', async () => {
    await upload('nobrowser', await demoModel('ceramic-mug'));
    await assert.rejects(runJob(createHandlers({ repo: catalog.repo, objects }), 'nobrowser'), /asset\.process: no browser configured/);
    assert.equal((await catalog.repo.getAsset('nobrowser'))?.status, 'pending');
  });
});
