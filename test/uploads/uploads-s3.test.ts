// Model uploads with the S3 object store, against an S3-compatible server (s3rver, in a child process): the upload
// URL is an S3 signed URL the client PUTs to directly; the API only signs it and checks the result. The common flow
// (suite.ts), then what is particular to S3.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoModel } from '../assets/fixtures.ts';
import { type S3rverHandle, startS3rver } from '../storage/s3rver-harness.ts';
import { uploadApiSuite } from './suite.ts';
import { type UploadShop, asBody, putBytes, requestUpload, startUploadShop } from './shop.ts';

let s3: S3rverHandle;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

before(async () => {
  s3 = await startS3rver('vitrine-uploads');
  // The store takes credentials from the SDK's default chain, which reads these first.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
});
after(async () => {
  for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await s3?.stop();
});

const s3Env = (): Record<string, string> => ({
  OBJECT_STORE: 's3',
  S3_BUCKET: s3.bucket,
  S3_ENDPOINT: s3.endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  AWS_REGION: s3.region,
});

uploadApiSuite('S3', () => startUploadShop(s3Env()));

describe('S3 signed upload URLs', () => {
  let shop: UploadShop;
  let glb: Uint8Array;
  before(async () => {
    shop = await startUploadShop(s3Env());
    glb = await demoModel('bar-stool');
  });
  after(async () => {
    await shop?.close();
  });

  it('go to the bucket, with the content type and length signed and no checksum of an empty body', async () => {
    const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'stool.glb', contentType: 'model/gltf-binary', size: glb.byteLength });
    assert.equal(asked.status, 201);
    const url = new URL(asked.presigned.upload.url);
    assert.equal(url.origin, s3.endpoint);
    assert.equal(url.pathname, `/${s3.bucket}/uploads/${shop.productId}/${asked.presigned.uploadId}/stool.glb`);
    assert.deepEqual(url.searchParams.get('X-Amz-SignedHeaders')?.split(';'), ['content-length', 'content-type', 'host']);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '1800');
    assert.equal(url.searchParams.get('x-amz-checksum-crc32'), null, 'a checksum in the URL would make S3 refuse every real body');
    assert.equal((await putBytes(asked.presigned, glb)).status, 200);
  });

  it('leave no upload route on the API', async () => {
    const res = await fetch(`${shop.app.baseUrl}/api/uploads/anything`, { method: 'PUT', headers: { 'content-type': 'model/gltf-binary' }, body: asBody(glb) });
    assert.equal(res.status, 404);
  });

  it('are checked again at completion: a stored size other than the declared one is refused (422)', async () => {
    // S3 itself refuses such a body (the length is signed); s3rver does not check signatures, so it gets this far.
    const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'stool.glb', contentType: 'model/gltf-binary', size: glb.byteLength - 1 });
    assert.equal((await putBytes(asked.presigned, glb)).status, 200);
    const done = await shop.merchant.call('POST', `/api/admin/products/${shop.productId}/model-uploads/${asked.presigned.uploadId}/complete`);
    assert.equal(done.status, 422);
    assert.equal(done.body.error.code, 'SIZE_MISMATCH');
  });
});
