// The store advisor over HTTP for admins: the same checks as the CLI, run on this instance's stores and metrics.
// A store set up to trigger a check gets its finding (with evidence and fix); fixing the cause makes it go away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser } from '../accounts/client.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

describe('advisor API', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { SEED_DEMO: 'false', RUN_WORKER: 'false' } });
  });
  after(async () => {
    await app?.close();
  });

  async function account(role: 'merchant' | 'admin'): Promise<Browser> {
    const b = new Browser(app.baseUrl);
    const email = `${role}.advisor@example.com`;
    assert.equal((await b.signup(email, 'Sturdy-passw0rd')).status, 201);
    await app.shop.runtime.relational.db.updateTable('accounts').set({ role }).where('email', '=', email).execute();
    return b;
  }

  it('gives admins prioritised findings with evidence and fix; dead letters appear and go once purged', async () => {
    const merchant = await account('merchant');
    assert.equal((await merchant.call('GET', '/api/admin/advisor')).status, 403);
    const admin = await account('admin');
    const first = await admin.call('GET', '/api/admin/advisor');
    assert.equal(first.status, 200);
    const ids = first.body.findings.map((f: { id: string }) => f.id);
    for (const id of ['security.no-tls', 'fault-tolerance.no-backups', 'fault-tolerance.single-instance']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    assert.ok(!ids.includes('fault-tolerance.dead-letters'));
    const ranks = first.body.findings.map((f: { severity: string }) => ['high', 'medium', 'low'].indexOf(f.severity));
    assert.deepEqual(ranks, [...ranks].sort((a: number, b: number) => a - b), 'most severe first');
    for (const f of first.body.findings) assert.ok(f.evidence && f.fix, f.id);

    const { queue, relational } = app.shop.runtime;
    const job = await queue.enqueue('mail.send', { to: 'x@example.com' });
    await relational.db.updateTable('jobs').set({ status: 'dead', last_error: 'SMTP 550' }).where('id', '=', job.id).execute();
    const withDead = await admin.call('GET', '/api/admin/advisor');
    const dead = withDead.body.findings.find((f: { id: string }) => f.id === 'fault-tolerance.dead-letters');
    assert.ok(dead, 'a dead letter is reported');
    await admin.call('POST', '/api/admin/jobs/dead/purge', { all: true });
    const after = await admin.call('GET', '/api/admin/advisor');
    assert.ok(!after.body.findings.some((f: { id: string }) => f.id === 'fault-tolerance.dead-letters'), 'and is gone once handled');
  });

  it('names staff whose password predates the current policy, until they log in with one that passes it', async () => {
    const admin = new Browser(app.baseUrl);
    assert.equal((await admin.login('admin.advisor@example.com', 'Sturdy-passw0rd')).status, 200);
    const { db } = app.shop.runtime.relational;
    const weakOf = async () => (await admin.call('GET', '/api/admin/advisor')).body.findings.find((f: { id: string }) => f.id === 'security.weak-staff-passwords');
    assert.equal(await weakOf(), undefined, 'passwords set through the app pass the policy of their day');
    // A merchant whose password was set before the policy was tracked (as after an upgrade from an older release).
    await db.updateTable('accounts').set({ password_policy: null }).where('email', '=', 'merchant.advisor@example.com').execute();
    const weak = await weakOf();
    assert.equal(weak?.severity, 'high');
    assert.match(weak.title, /^1 staff account/);
    const merchant = new Browser(app.baseUrl);
    assert.equal((await merchant.login('merchant.advisor@example.com', 'Sturdy-passw0rd')).status, 200);
    assert.equal(await weakOf(), undefined, 'a log-in with a password that passes the policy clears it');
  });
});
