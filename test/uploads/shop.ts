// A test shop for the upload API: the whole shop (no demo catalog), a merchant, a customer and one product. The
// merchant's role is granted in Postgres directly, as an admin's POST /api/admin/staff would.
import { randomUUID } from 'node:crypto';
import { setRole } from '../../src/databases/relational/accounts.ts';
import { Browser, type Answer } from '../accounts/client.ts';
import { product } from '../catalog/fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const PASSWORD = 'correct horse 42';

export interface UploadShop {
  readonly app: TestApp;
  readonly merchant: Browser;
  readonly customer: Browser;
  readonly productId: string;
  close(): Promise<void>;
}

export async function startUploadShop(env: Record<string, string> = {}): Promise<UploadShop> {
  const app = await startTestApp({ env: { SEED_DEMO: 'false', ...env } });
  try {
    const merchant = new Browser(app.baseUrl);
    const customer = new Browser(app.baseUrl);
    const merchantEmail = `merchant-${randomUUID().slice(0, 8)}@example.test`;
    await expectOk(await merchant.signup(merchantEmail, PASSWORD), 'merchant sign-up');
    await expectOk(await customer.signup(`customer-${randomUUID().slice(0, 8)}@example.test`, PASSWORD), 'customer sign-up');
    await setRole(app.shop.runtime.relational.db, merchantEmail, 'merchant');
    const productId = `chair-${randomUUID().slice(0, 8)}`;
    await app.shop.runtime.catalog.repo.putProduct(product({ id: productId }));
    return { app, merchant, customer, productId, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}

async function expectOk(a: Answer, what: string): Promise<void> {
  if (a.status >= 300) throw new Error(`${what} answered ${a.status}: ${JSON.stringify(a.body)}`);
}

export interface Presigned {
  readonly uploadId: string;
  readonly upload: { readonly url: string; readonly method: 'PUT'; readonly headers: Record<string, string> };
  readonly expiresAt: string;
}

/** POST …/model-uploads as `who`; the answer, and the body typed when it is a 201. */
export async function requestUpload(who: Browser, productId: string, body: { filename: string; contentType: string; size: number }): Promise<Answer & { presigned: Presigned }> {
  const a = await who.call('POST', `/api/admin/products/${productId}/model-uploads`, body);
  return { ...a, presigned: a.body as Presigned };
}

/** PUTs bytes to a presigned upload as a browser's fetch would (the headers it was given, the body's own length). */
export async function putBytes(p: Presigned, bytes: Uint8Array, headers: Record<string, string> = p.upload.headers): Promise<{ status: number; text: string }> {
  const res = await fetch(p.upload.url, { method: p.upload.method, headers, body: asBody(bytes) });
  return { status: res.status, text: await res.text() };
}

/** Bytes as fetch's body type wants them (a Uint8Array over a plain ArrayBuffer). */
export function asBody(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** The asset.process jobs queued in Postgres, oldest first. */
export async function processJobs(shop: UploadShop): Promise<{ id: string; payload: unknown; dedupe_key: string | null }[]> {
  return shop.app.shop.runtime.relational.db
    .selectFrom('jobs')
    .select(['id', 'payload', 'dedupe_key'])
    .where('type', '=', 'asset.process')
    .orderBy('created_at')
    .execute();
}
