// The admin's view of background work over HTTP: depth and dead letters with their errors, replay and purge, and
// nobody but an admin may see or touch them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const PASSWORD = 'Sturdy-passw0rd';
let app: TestApp;
before(async () => {
  app = await startTestApp({ env: { SEED_DEMO: 'false', RUN_WORKER: 'false' } });
});
after(async () => {
  await app?.close();
});

async function account(role: 'customer' | 'merchant' | 'admin'): Promise<Browser> {
  const b = new Browser(app.baseUrl);
  const email = `${role}.${Math.random().toString(36).slice(2)}@example.com`;
  assert.equal((await b.signup(email, PASSWORD)).status, 201);
  await app.shop.runtime.relational.db.updateTable('accounts').set({ role }).where('email', '=', email).execute();
  return b;
}

describe('admin jobs API', () => {
  it('shows depth and dead letters, replays one, purges the rest; admins only', async () => {
    const { queue, relational } = app.shop.runtime;
    const poison = await queue.enqueue('mail.send', { to: 'x@example.com' });
    const other = await queue.enqueue('asset.process', { assetId: 'a1' });
    await queue.enqueue('order.placed', { orderId: 'o1' });
    await relational.db.updateTable('jobs').set({ status: 'dead', attempts: 5, last_error: 'SMTP 550 mailbox unavailable' }).where('id', 'in', [poison.id, other.id]).execute();

    const merchant = await account('merchant');
    assert.equal((await merchant.call('GET', '/api/admin/jobs')).status, 403);
    assert.equal((await new Browser(app.baseUrl).call('GET', '/api/admin/jobs')).status, 401);

    const admin = await account('admin');
    const seen = await admin.call('GET', '/api/admin/jobs');
    assert.equal(seen.status, 200);
    assert.equal(seen.headers.get('cache-control'), 'private, no-store');
    const queued = await relational.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'queued').executeTakeFirstOrThrow();
    assert.deepEqual([seen.body.depth.queued, seen.body.depth.dead], [queued.n, 2], 'the order event and the welcome mails wait; two are dead');
    const letter = seen.body.deadLetters.find((d: { id: string }) => d.id === poison.id);
    assert.equal(letter.lastError, 'SMTP 550 mailbox unavailable');
    assert.equal(letter.type, 'mail.send');

    const vague = await admin.call('POST', '/api/admin/jobs/dead/replay', {});
    assert.equal(vague.status, 400, 'an empty body never replays everything');
    assert.match(vague.body.error.message, /either the id of one dead letter or "all": true/);
    assert.deepEqual((await admin.call('POST', '/api/admin/jobs/dead/replay', { id: poison.id })).body, { replayed: 1 });
    const row = await relational.db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', poison.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'queued', attempts: 0 }, 'back in the queue with a fresh budget');
    assert.deepEqual((await admin.call('POST', '/api/admin/jobs/dead/purge', { all: true })).body, { purged: 1 });
    assert.deepEqual((await admin.call('GET', '/api/admin/jobs')).body.deadLetters, []);
  });
});
