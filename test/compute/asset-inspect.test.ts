// The first background job end to end on real parts: a model in object storage, a pending asset record in the
// catalog (dynalite), a job in the durable queue (PGlite), the worker running the handler, and the same handler
// behind the Lambda/SQS adapter.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHandlers } from '../../src/compute/handlers/index.ts';
import { sqsHandler } from '../../src/compute/lambda.ts';
import { PgQueue, Worker } from '../../src/compute/queue/pg-queue.ts';
import type { Asset3D } from '../../src/domain/catalog.ts';
import { openTestStores, type TestStores } from '../helpers/stores.ts';
import { untilValue } from '../helpers/wait.ts';

const MODELS = path.resolve('../shared/models');
const haveModels = existsSync(path.join(MODELS, 'WaterBottle.glb'));
if (!haveModels) console.log(`# skipping: ${MODELS} is absent (the real glTF models live in ../shared/models)`);

let stores: TestStores;
let catalog: TestStores['catalog'];
let relational: TestStores['relational'];
let objects: TestStores['objects'];

before(async () => {
  stores = await openTestStores();
  ({ catalog, relational, objects } = stores);
});
after(async () => {
  await stores?.close();
});

async function pendingAsset(id: string, file: string | Uint8Array): Promise<Asset3D> {
  const bytes = typeof file === 'string' ? readFileSync(path.join(MODELS, file)) : file;
  const glbKey = `uploads/${id}/model.glb`;
  await objects.put(glbKey, bytes, { contentType: 'model/gltf-binary' });
  return catalog.repo.putAsset({ id, status: 'pending', glbKey, materialVariants: [], version: 0, updatedAt: new Date().toISOString() });
}

describe('asset.inspect through the queue and the worker', { skip: !haveModels }, () => {
  it('records real-world size, triangles and marks the asset ready', async () => {
    await pendingAsset('bottle', 'WaterBottle.glb');
    const queue = new PgQueue(relational);
    await queue.enqueue('asset.inspect', { assetId: 'bottle' }, { dedupeKey: 'inspect:bottle' });
    const worker = new Worker(relational, createHandlers({ repo: catalog.repo, objects }), { pollMs: 50 });
    worker.start();
    try {
      const ready = await untilValue(async () => {
        const a = await catalog.repo.getAsset('bottle');
        return a?.status === 'ready' ? a : undefined;
      }, 'the asset to be ready');
      assert.equal(ready.triangles, 4510);
      // The Khronos WaterBottle is a ~26 cm bottle, ~11 cm across.
      assert.ok(Math.abs(ready.dimensions!.height - 0.26) < 0.01, `height ${ready.dimensions!.height}`);
      assert.ok(Math.abs(ready.dimensions!.width - 0.109) < 0.01, `width ${ready.dimensions!.width}`);
      assert.equal(ready.bytes, readFileSync(path.join(MODELS, 'WaterBottle.glb')).byteLength);
      assert.equal((await queue.depth()).queued, 0);
    } finally {
      await worker.stop();
    }
  });

  it('marks a file that is not a model as failed, with the reason for the merchant', async () => {
    await pendingAsset('junk', new TextEncoder().encode('this is not a GLB file at all'));
    const handlers = createHandlers({ repo: catalog.repo, objects });
    await handlers['asset.inspect']!({ id: 'j1', type: 'asset.inspect', payload: { assetId: 'junk' } as never, attempt: 1 });
    const a = await catalog.repo.getAsset('junk');
    assert.equal(a?.status, 'failed');
    assert.match(a?.error ?? '', /not a GLB/);
  });
});

describe('the same handlers behind SQS (Lambda)', { skip: !haveModels }, () => {
  // No SQS-compatible server can run here: this drives the Lambda entry point with the event shape SQS delivers.
  it('processes good records and reports only the bad ones as batch item failures', async () => {
    await pendingAsset('mixer', 'Mixer.glb');
    const handler = sqsHandler(createHandlers({ repo: catalog.repo, objects }));
    const record = (messageId: string, body: string) => ({
      messageId,
      receiptHandle: `rh-${messageId}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'AIDA', ApproximateFirstReceiveTimestamp: '1700000000001' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vitrine-jobs',
      awsRegion: 'us-east-1',
    });
    const res = await handler({
      Records: [
        record('m1', JSON.stringify({ id: 'job-1', type: 'asset.inspect', payload: { assetId: 'mixer' } })),
        record('m2', 'not json'),
        record('m3', JSON.stringify({ id: 'job-3', type: 'no.such.job', payload: {} })),
        record('m4', JSON.stringify({ id: 'job-4', type: 'asset.inspect', payload: { assetId: 'missing' } })),
      ],
    });
    assert.deepEqual(res.batchItemFailures.map((f) => f.itemIdentifier).sort(), ['m2', 'm3', 'm4']);
    const mixer = await catalog.repo.getAsset('mixer');
    assert.equal(mixer?.status, 'ready');
    assert.equal(mixer?.triangles, 46963);
  });
});
