// Mail without an SMTP server (the one-machine default): messages land in the dev_mailbox table, admins read them
// over HTTP, and a password reset works from there. And the `mail.send` job's idempotency, on both transports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdmin } from '../../src/compute/accounts/accounts.ts';
import { MAIL_SEND, enqueueMail, sendMailHandler, type MailSendPayload } from '../../src/compute/handlers/send-mail.ts';
import { DevMailbox } from '../../src/compute/mail/dev-mailbox.ts';
import { pgMailLog } from '../../src/compute/mail/mail-log.ts';
import { SmtpMailer } from '../../src/compute/mail/smtp-mailer.ts';
import { welcomeMail } from '../../src/compute/mail/templates/welcome.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually } from '../relational/targets.ts';
import { Browser } from './client.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const ADMIN = { email: 'admin@example.com', password: 'Admin-passw0rd' };
let app: TestApp;
let sink: SmtpSink;

before(async () => {
  sink = await startSmtpSink();
  app = await startTestApp({ env: { SEED_DEMO: 'false', RUN_WORKER: 'true', TRUST_PROXY: '1' } });
  await createAdmin(app.shop.runtime.relational.db, { email: ADMIN.email, password: ADMIN.password });
});
after(async () => {
  await app?.close();
  await sink?.close();
});

const db = () => app.shop.runtime.relational.db;
type Mail = { to: string; subject: string; text: string; html: string | null };

describe('the development mailbox', () => {
  it('keeps the welcome mail for admins to read; customers may not read it', async () => {
    const customer = new Browser(app.baseUrl);
    assert.equal((await customer.signup('Reader@Example.com', 'Reader-passw0rd', 'Reader')).status, 201);
    const admin = new Browser(app.baseUrl);
    assert.equal((await admin.login(ADMIN.email, ADMIN.password)).status, 200);
    const mails = await eventually(async () => {
      const r = await admin.call('GET', '/api/admin/mailbox?to=reader@example.com');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'private, no-store');
      return r.body.items.length > 0 ? (r.body.items as Mail[]) : undefined;
    }, 'the welcome mail in the dev mailbox');
    assert.equal(mails[0]?.subject, 'Welcome to Vitrine');
    assert.match(mails[0]?.text ?? '', /Hello Reader/);
    assert.equal((await customer.call('GET', '/api/admin/mailbox')).status, 403);
    const bad = await admin.call('GET', '/api/admin/mailbox?limit=500');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /limit/);
  });

  it('carries a working reset link, as SMTP would', async () => {
    const owner = new Browser(app.baseUrl);
    await owner.signup('forgetful@example.com', 'Forgetful-passw0rd');
    const b = new Browser(app.baseUrl);
    await b.csrf();
    assert.equal((await b.call('POST', '/api/auth/password-reset', { email: 'forgetful@example.com' })).status, 202);
    const admin = new Browser(app.baseUrl);
    await admin.login(ADMIN.email, ADMIN.password);
    const mail = await eventually(async () => {
      const items = (await admin.call('GET', '/api/admin/mailbox?to=forgetful@example.com')).body.items as Mail[];
      return items.find((m) => m.subject.startsWith('Reset your'));
    }, 'the reset mail');
    const token = /http:\/\/localhost:0\/reset\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    assert.ok(token, `PUBLIC_URL unset: links point at http://localhost:PORT\n${mail.text}`);
    assert.equal((await b.call('POST', '/api/auth/password-reset/confirm', { token, password: 'Remembered-passw0rd' })).status, 204);
    assert.equal((await new Browser(app.baseUrl).login('forgetful@example.com', 'Remembered-passw0rd')).status, 200);
  });
});

describe('the mail.send job', () => {
  const job = (key: string, to: string) => ({ id: `job-${key}`, type: MAIL_SEND, attempt: 1, payload: { key, to, ...welcomeMail({ shopName: 'Vitrine', name: 'Twice', shopUrl: 'http://shop.test/' }) } satisfies MailSendPayload });

  it('is one job per message key', async () => {
    const mail = welcomeMail({ shopName: 'Vitrine', name: null, shopUrl: 'http://shop.test/' });
    assert.equal(await enqueueMail(app.shop.runtime.queue, 'test:once', 'once@example.com', mail), true);
    assert.equal(await enqueueMail(app.shop.runtime.queue, 'test:once', 'once@example.com', mail), false);
    const rows = await db().selectFrom('jobs').select('id').where('dedupe_key', '=', 'mail:test:once').execute();
    assert.equal(rows.length, 1);
  });

  it('run twice, delivers once: into the dev mailbox', async () => {
    const handler = sendMailHandler({ mailer: new DevMailbox(db(), 'Vitrine <shop@example.test>'), mailLog: pgMailLog(db()) });
    await handler(job('test:dev-twice', 'twice@example.com'));
    await handler(job('test:dev-twice', 'twice@example.com'));
    const rows = await db().selectFrom('dev_mailbox').select('id').where('message_key', '=', 'test:dev-twice').execute();
    assert.equal(rows.length, 1);
  });

  it('run twice, delivers once: through SMTP, with a Message-ID made from the key', async () => {
    const mailer = new SmtpMailer({ url: sink.url, from: 'Vitrine <shop@example.test>' });
    try {
      const handler = sendMailHandler({ mailer, mailLog: pgMailLog(db()) });
      await handler(job('test:smtp-twice', 'smtp-twice@example.com'));
      await handler(job('test:smtp-twice', 'smtp-twice@example.com'));
      const got = sink.messages.filter((m) => m.to.includes('smtp-twice@example.com'));
      assert.equal(got.length, 1);
      // Were it sent again (a crash between sending and logging), it would carry the same Message-ID.
      await mailer.send('test:smtp-twice', { to: 'smtp-twice@example.com', subject: 'again', text: 'again' });
      const ids = sink.messages.filter((m) => m.to.includes('smtp-twice@example.com')).map((m) => m.headers.get('message-id'));
      assert.equal(ids.length, 2);
      assert.match(ids[0] ?? '', /^<[0-9a-f]{32}@example\.test>$/);
      assert.equal(ids[0], ids[1]);
    } finally {
      await mailer.close();
    }
  });

  it('fails (to be retried) on a bad payload or without a mailer, naming the job', async () => {
    const handler = sendMailHandler({ mailer: new DevMailbox(db(), 'a@b.co'), mailLog: pgMailLog(db()) });
    await assert.rejects(handler({ id: 'j', type: MAIL_SEND, attempt: 1, payload: { key: 'k' } as MailSendPayload }), /mail\.send: bad payload: to: /);
    await assert.rejects(sendMailHandler({})(job('test:none', 'none@example.com')), /mail\.send: this worker was started without a mailer/);
  });
});
