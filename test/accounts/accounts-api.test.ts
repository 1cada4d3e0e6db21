// Accounts and access over real HTTP, on the whole shop, once on PGlite and once on the real Postgres: sign-up and
// log-in, sessions and their cookie, CSRF, log-in throttling, password change and reset (the reset mail goes
// through a real SMTP server on loopback and is read from there), roles. The first admin is made by the operator's
// CLI, spawned as a real process with the password piped in, exactly as in production.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../../src/databases/relational/accounts.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, relationalTargets } from '../relational/targets.ts';
import { Browser } from './client.ts';
import { runCli } from './cli-runner.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './smtp-sink.ts';

const PUBLIC_URL = 'http://shop.example.test';
const ADMIN = { email: 'owner@example.com', password: 'Owner-pass-2024' };
const GOOD_PASSWORD = 'Sturdy-passw0rd';

let sink: SmtpSink;
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  await sink?.close();
});

const targets = await relationalTargets();
let seq = 0;
const uniqueEmail = (tag: string): string => `${tag}.${process.pid}.${++seq}@example.com`;

for (const target of targets) {
  describe(`accounts API on ${target.name}`, { skip: target.skip }, () => {
    let app: TestApp;
    const browser = (): Browser => new Browser(app.baseUrl);
    const db = () => app.shop.runtime.relational.db;
    const mailTo = (to: string, subject: RegExp): Promise<ReceivedMail> =>
      eventually(async () => sink.messages.find((m) => m.to.includes(to) && subject.test(m.subject)), `a mail to ${to} about ${subject}`);

    let databaseUrl: string | undefined;
    before(async () => {
      const fresh = await target.fresh();
      databaseUrl = fresh.DATABASE_URL;
      const dbEnv: Record<string, string> = fresh.DATABASE_URL ? { DATABASE_URL: fresh.DATABASE_URL } : {};
      // PGlite: the CLI and then the shop open the same data folder, one after the other.
      const dataDir = fresh.DATABASE_URL ? undefined : fresh.dataDir;
      const cli = await runCli(['admin:create', '--email', ADMIN.email], `${ADMIN.password}\n`, { ...dbEnv, VITRINE_DATA_DIR: dataDir ?? fresh.dataDir });
      assert.equal(cli.code, 0, `admin:create failed: ${cli.stderr}`);
      assert.match(cli.stdout, /Created admin owner@example\.com/);
      app = await startTestApp({
        dataDir,
        env: { ...dbEnv, SEED_DEMO: 'false', RUN_WORKER: 'true', SMTP_URL: sink.url, PUBLIC_URL, TRUST_PROXY: '1', MAIL_FROM: 'Vitrine Test <shop@example.test>' },
      });
    });
    after(async () => {
      await app?.close();
      await target.cleanup();
    });

    describe('sign-up, log-in, the session', () => {
      it('signs up a customer: 201, a private HttpOnly SameSite=Lax cookie, /me answers, a welcome mail goes out', async () => {
        const b = browser();
        const email = uniqueEmail('Ada');
        const r = await b.signup(email, GOOD_PASSWORD, 'Ada Lovelace');
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.account.email, email.toLowerCase());
        assert.equal(r.body.account.role, 'customer');
        assert.equal(r.body.account.name, 'Ada Lovelace');
        assert.match(r.body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(r.headers.get('cache-control'), 'private, no-store');
        const cookie = r.setCookies.find((c) => c.startsWith('vitrine_session='));
        assert.ok(cookie, 'a session cookie');
        assert.match(cookie, /^vitrine_session=[A-Za-z0-9_-]{43};/);
        assert.match(cookie, /; HttpOnly/i);
        assert.match(cookie, /; SameSite=Lax/i);
        assert.match(cookie, /; Path=\//i);
        assert.match(cookie, /; Max-Age=\d+/i);
        assert.doesNotMatch(cookie, /; Secure/i, 'plain http and an http PUBLIC_URL: not Secure');

        const me = await b.call('GET', '/api/auth/me');
        assert.equal(me.status, 200);
        assert.deepEqual(me.body.account, r.body.account);
        assert.equal(me.headers.get('cache-control'), 'private, no-store');

        const welcome = await mailTo(email.toLowerCase(), /^Welcome to Vitrine Test$/);
        assert.match(welcome.text, /Hello Ada Lovelace/);
        assert.match(welcome.text, new RegExp(`${PUBLIC_URL}/`));
        assert.match(welcome.headers.get('from') ?? '', /shop@example\.test/);
        assert.ok(welcome.html?.includes('Ada Lovelace'));
      });

      it('stores only a hash of the session token', async () => {
        const b = browser();
        await b.signup(uniqueEmail('hash'), GOOD_PASSWORD);
        const token = b.cookies.get('vitrine_session')!;
        const rows = await db().selectFrom('sessions').select('token_hash').where('token_hash', '=', hashToken(token)).execute();
        assert.equal(rows.length, 1);
        const plain = await db().selectFrom('sessions').select('token_hash').where('token_hash', '=', token).execute();
        assert.equal(plain.length, 0);
      });

      it('refuses a second account for the same address in any case: 409', async () => {
        const email = uniqueEmail('dup');
        assert.equal((await browser().signup(email, GOOD_PASSWORD)).status, 201);
        const again = await browser().signup(`  ${email.toUpperCase()} `, GOOD_PASSWORD);
        assert.equal(again.status, 409);
        assert.equal(again.body.error.code, 'EMAIL_TAKEN');
      });

      it('refuses weak passwords and bad input with 400 naming the field', async () => {
        const email = uniqueEmail('weak');
        for (const [pw, why] of [
          ['short1A', /at least 10 characters/],
          ['aaaaaaaaaaaa', /two kinds of characters/],
          ['12345678901', /two kinds of characters/],
          [email, /must not be your email address/],
        ] as const) {
          const r = await browser().signup(email, pw);
          assert.equal(r.status, 400, pw);
          assert.equal(r.body.error.code, 'WEAK_PASSWORD');
          assert.match(r.body.error.message, /^password: /);
          assert.match(r.body.error.message, why);
        }
        const badEmail = await browser().signup('not-an-email', GOOD_PASSWORD);
        assert.equal(badEmail.status, 400);
        assert.match(badEmail.body.error.message, /email: must be an email address/);
        const b = browser();
        await b.csrf();
        const missing = await b.call('POST', '/api/auth/signup', { email: uniqueEmail('x') });
        assert.equal(missing.status, 400);
        assert.match(missing.body.error.message, /password/);
        const extra = await b.call('POST', '/api/auth/signup', { email: uniqueEmail('x'), password: GOOD_PASSWORD, role: 'admin' });
        assert.equal(extra.status, 400, 'no role from the client');
        assert.match(extra.body.error.message, /role/);
      });

      it('keeps bodies small: 413 over 16 KB', async () => {
        const b = browser();
        await b.csrf();
        const r = await b.call('POST', '/api/auth/signup', { email: uniqueEmail('big'), password: GOOD_PASSWORD, name: 'x'.repeat(17 * 1024) });
        assert.equal(r.status, 413);
      });

      it('logs in with the right password whatever the address case; a wrong one gets the same 401 as an unknown address', async () => {
        const email = uniqueEmail('login');
        await browser().signup(email, GOOD_PASSWORD);
        const b = browser();
        const ok = await b.login(email.toUpperCase(), GOOD_PASSWORD);
        assert.equal(ok.status, 200);
        assert.equal(ok.body.account.email, email);
        assert.ok(b.cookies.get('vitrine_session'));
        assert.equal((await b.call('GET', '/api/auth/me')).status, 200);

        const wrong = await browser().login(email, 'Wrong-passw0rd');
        const unknown = await browser().login(uniqueEmail('nobody'), 'Wrong-passw0rd');
        assert.equal(wrong.status, 401);
        assert.equal(unknown.status, 401);
        assert.deepEqual(wrong.body, unknown.body, 'nothing tells an unknown address from a wrong password');
        assert.equal(wrong.body.error.message, 'Email or password is incorrect');
        assert.equal(wrong.setCookies.filter((c) => c.startsWith('vitrine_session=')).length, 0);
      });

      it('answers /me with 401 for guests', async () => {
        const r = await browser().call('GET', '/api/auth/me');
        assert.equal(r.status, 401);
        assert.equal(r.body.error.code, 'UNAUTHENTICATED');
      });

      it('logs out this session only; the old token opens nothing afterwards', async () => {
        const email = uniqueEmail('logout');
        const a = browser();
        await a.signup(email, GOOD_PASSWORD);
        const other = browser();
        await other.login(email, GOOD_PASSWORD);
        const stolen = a.cookies.get('vitrine_session')!;
        const out = await a.call('POST', '/api/auth/logout');
        assert.equal(out.status, 204);
        assert.ok(out.setCookies.some((c) => /^vitrine_session=;/.test(c)), 'the cookie is cleared');
        assert.equal((await a.call('GET', '/api/auth/me')).status, 401);
        const replay = new Browser(app.baseUrl);
        replay.cookies.set('vitrine_session', stolen);
        assert.equal((await replay.call('GET', '/api/auth/me')).status, 401, 'a logged-out token is revoked server-side');
        assert.equal((await other.call('GET', '/api/auth/me')).status, 200, 'the other session lives on');
      });

      it('logs out every session of the account', async () => {
        const email = uniqueEmail('everywhere');
        const [a, b, c] = [browser(), browser(), browser()];
        await a.signup(email, GOOD_PASSWORD);
        await b.login(email, GOOD_PASSWORD);
        await c.login(email, GOOD_PASSWORD);
        const r = await a.call('POST', '/api/auth/logout-all');
        assert.equal(r.status, 200);
        assert.equal(r.body.revokedSessions, 3);
        for (const x of [a, b, c]) assert.equal((await x.call('GET', '/api/auth/me')).status, 401);
        const guest = browser();
        await guest.csrf();
        assert.equal((await guest.call('POST', '/api/auth/logout-all')).status, 401, 'guests have no sessions to end');
      });

      it('slides the expiry of a session in use once half its time has passed', async () => {
        const b = browser();
        await b.signup(uniqueEmail('slide'), GOOD_PASSWORD);
        const tokenHash = hashToken(b.cookies.get('vitrine_session')!);
        const fresh = await b.call('GET', '/api/auth/me');
        assert.equal(fresh.setCookies.length, 0, 'a fresh session is not rewritten on every request');
        // Six of the seven days pass: one day is left.
        await db().updateTable('sessions').set({ expires_at: sql<Date>`now() + interval '1 day'` }).where('token_hash', '=', tokenHash).execute();
        const r = await b.call('GET', '/api/auth/me');
        assert.equal(r.status, 200);
        const maxAge = Number(/Max-Age=(\d+)/i.exec(r.setCookies.find((c) => c.startsWith('vitrine_session=')) ?? '')?.[1]);
        assert.ok(maxAge > 6 * 24 * 3600, `renewed to a full week, got Max-Age ${maxAge}`);
        const row = await db().selectFrom('sessions').select(sql<number>`extract(epoch from expires_at - now())::float8`.as('left')).where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
        assert.ok(row.left > 6 * 24 * 3600, 'and in the database');
      });

      it('ends a session at its expiry', async () => {
        const b = browser();
        await b.signup(uniqueEmail('expire'), GOOD_PASSWORD);
        await db().updateTable('sessions').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('token_hash', '=', hashToken(b.cookies.get('vitrine_session')!)).execute();
        const r = await b.call('GET', '/api/auth/me');
        assert.equal(r.status, 401);
        assert.ok(r.setCookies.some((c) => /^vitrine_session=;/.test(c)), 'the stale cookie is cleared');
      });

      it('marks the cookie Secure when the request came over HTTPS (X-Forwarded-Proto from a trusted proxy)', async () => {
        const b = browser();
        await b.csrf();
        const https = app.baseUrl.replace(/^http:/, 'https:');
        const r = await b.call('POST', '/api/auth/signup', { email: uniqueEmail('tls'), password: GOOD_PASSWORD }, { headers: { 'x-forwarded-proto': 'https' }, origin: https });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.match(r.setCookies.find((c) => c.startsWith('vitrine_session=')) ?? '', /; Secure/i);
      });
    });

    describe('CSRF', () => {
      it('hands guests a token bound to an HttpOnly SameSite=Lax cookie, the same until it changes', async () => {
        const b = browser();
        const r = await b.call('GET', '/api/auth/csrf');
        assert.equal(r.status, 200);
        assert.equal(r.headers.get('cache-control'), 'private, no-store');
        const cookie = r.setCookies.find((c) => c.startsWith('vitrine_csrf=')) ?? '';
        assert.match(cookie, new RegExp(`^vitrine_csrf=${r.body.csrfToken};`));
        assert.match(cookie, /; HttpOnly/i);
        assert.match(cookie, /; SameSite=Lax/i);
        const again = await b.call('GET', '/api/auth/csrf');
        assert.equal(again.body.csrfToken, r.body.csrfToken);
        assert.equal(again.setCookies.length, 0);
      });

      it('leaves unknown paths a 404, and safe methods unchecked', async () => {
        const b = browser();
        await b.signup(uniqueEmail('404'), GOOD_PASSWORD);
        assert.equal((await b.call('POST', '/api/no-such-thing', {}, { csrf: false })).status, 404);
        assert.equal((await b.call('GET', '/api/no-such-thing')).status, 404);
        assert.equal((await b.call('GET', '/api/auth/me', undefined, { origin: 'https://evil.example' })).status, 200, 'reads are not state changes');
      });

      it('refuses a state change without the x-csrf-token header: 403', async () => {
        const b = browser();
        await b.csrf();
        const r = await b.call('POST', '/api/auth/login', { email: uniqueEmail('c'), password: GOOD_PASSWORD }, { csrf: false });
        assert.equal(r.status, 403);
        assert.equal(r.body.error.code, 'CSRF');
        assert.match(r.body.error.message, /x-csrf-token/);
      });

      it('refuses a request from another origin even with a valid token: 403', async () => {
        const b = browser();
        await b.signup(uniqueEmail('origin'), GOOD_PASSWORD);
        const evil = await b.call('POST', '/api/auth/logout-all', undefined, { origin: 'https://evil.example' });
        assert.equal(evil.status, 403);
        assert.match(evil.body.error.message, /Origin https:\/\/evil\.example/);
        const crossSite = await b.call('POST', '/api/auth/logout-all', undefined, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } });
        assert.equal(crossSite.status, 403);
        const sameSite = await b.call('POST', '/api/auth/logout-all', undefined, { origin: null, headers: { 'sec-fetch-site': 'same-site' } });
        assert.equal(sameSite.status, 403, 'a sibling subdomain is not this shop');
        assert.equal((await b.call('GET', '/api/auth/me')).status, 200, 'nothing was done');
        const publicOrigin = await b.call('POST', '/api/auth/logout', undefined, { origin: PUBLIC_URL });
        assert.equal(publicOrigin.status, 204, "PUBLIC_URL's origin is this shop");
      });

      it("refuses a guest token that does not match the guest's cookie, and a session token of another session", async () => {
        const guest = browser();
        await guest.csrf();
        guest.csrfToken = 'A'.repeat(43);
        const r = await guest.call('POST', '/api/auth/password-reset', { email: uniqueEmail('g') });
        assert.equal(r.status, 403);

        const [a, b] = [browser(), browser()];
        await a.signup(uniqueEmail('s1'), GOOD_PASSWORD);
        await b.signup(uniqueEmail('s2'), GOOD_PASSWORD);
        a.csrfToken = b.csrfToken;
        assert.equal((await a.call('POST', '/api/auth/logout-all')).status, 403);
      });

      it('lets a non-browser client (no Origin, no Sec-Fetch-Site) through with the token', async () => {
        const b = browser();
        await b.csrf();
        const r = await b.call('POST', '/api/auth/signup', { email: uniqueEmail('cli'), password: GOOD_PASSWORD }, { origin: null });
        assert.equal(r.status, 201);
      });

      it('gives a session-bound token after log-in: the guest token no longer works', async () => {
        const b = browser();
        const guestToken = await b.csrf();
        await b.signup(uniqueEmail('rotate'), GOOD_PASSWORD);
        assert.notEqual(b.csrfToken, guestToken);
        assert.equal((await b.call('GET', '/api/auth/csrf')).body.csrfToken, b.csrfToken, '/api/auth/csrf gives the session token');
        const withGuest = await b.call('POST', '/api/auth/logout-all', undefined, { headers: { 'x-csrf-token': guestToken } });
        assert.equal(withGuest.status, 403);
      });
    });

    describe('log-in throttling (counted in Postgres)', () => {
      it('refuses an account after 5 failures in 15 minutes, even with the right password: 429 + Retry-After', async () => {
        const email = uniqueEmail('locked');
        await browser().signup(email, GOOD_PASSWORD);
        const b = browser();
        for (let i = 1; i <= 5; i++) assert.equal((await b.login(email, `Wrong-guess-${i}`)).status, 401, `failure ${i}`);
        const locked = await browser().login(email, GOOD_PASSWORD); // another IP: the count is the account's
        assert.equal(locked.status, 429);
        assert.equal(locked.body.error.code, 'RATE_LIMITED');
        const retry = Number(locked.headers.get('retry-after'));
        assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After ${locked.headers.get('retry-after')}`);
        const rows = await db().selectFrom('rate_limits').select(['hits']).where('bucket', '=', `login-failures:${email}`).execute();
        assert.equal(rows[0]?.hits, 5, 'the failures live in the shared table');
      });

      it('a success clears the failures of the account', async () => {
        const email = uniqueEmail('recover');
        await browser().signup(email, GOOD_PASSWORD);
        const b = browser();
        for (let i = 0; i < 4; i++) await b.login(email, 'Wrong-guess-0');
        assert.equal((await b.login(email, GOOD_PASSWORD)).status, 200);
        for (let i = 0; i < 4; i++) assert.equal((await browser().login(email, 'Wrong-guess-0')).status, 401);
      });

      it('allows 10 log-in attempts per minute per IP, then 429; another IP is not affected', async () => {
        const b = browser();
        for (let i = 1; i <= 10; i++) assert.equal((await b.login(uniqueEmail('spray'), 'Wrong-guess-1')).status, 401, `attempt ${i}`);
        const r = await b.login(uniqueEmail('spray'), 'Wrong-guess-1');
        assert.equal(r.status, 429);
        const retry = Number(r.headers.get('retry-after'));
        assert.ok(retry > 0 && retry <= 60, `Retry-After ${retry}`);
        // The shop trusts one proxy (TRUST_PROXY=1): addresses a client writes in front of the proxy's are ignored.
        const forged = await b.call('POST', '/api/auth/login', { email: uniqueEmail('spray'), password: 'Wrong-guess-1' }, { headers: { 'x-forwarded-for': `203.0.113.9, ${b.ip}` } });
        assert.equal(forged.status, 429, 'a forged X-Forwarded-For does not buy new attempts');
        assert.equal((await browser().login(uniqueEmail('spray'), 'Wrong-guess-1')).status, 401);
      });
    });

    describe('two API instances on one Postgres', { skip: target.name !== 'postgres' && 'PGlite is one process by design' }, () => {
      let second: TestApp;
      before(async () => {
        second = await startTestApp({ env: { DATABASE_URL: databaseUrl!, SEED_DEMO: 'false', TRUST_PROXY: '1' } });
      });
      after(async () => {
        await second?.close();
      });

      it('share sessions, revocations and the failure count', async () => {
        const email = uniqueEmail('twins');
        const one = browser();
        await one.signup(email, GOOD_PASSWORD);
        const onSecond = new Browser(second.baseUrl);
        for (const [k, v] of one.cookies) onSecond.cookies.set(k, v);
        onSecond.csrfToken = one.csrfToken;
        assert.equal((await onSecond.call('GET', '/api/auth/me')).status, 200, 'a session opened on one instance works on the other');
        assert.equal((await onSecond.call('POST', '/api/auth/logout')).status, 204);
        assert.equal((await one.call('GET', '/api/auth/me')).status, 401, 'and its revocation too');

        const [a, b] = [browser(), new Browser(second.baseUrl)];
        for (let i = 0; i < 3; i++) assert.equal((await a.login(email, 'Wrong-guess-0')).status, 401);
        for (let i = 0; i < 2; i++) assert.equal((await b.login(email, 'Wrong-guess-0')).status, 401);
        assert.equal((await a.login(email, GOOD_PASSWORD)).status, 429, '3 failures here + 2 there = locked everywhere');
        assert.equal((await b.login(email, GOOD_PASSWORD)).status, 429);
      });
    });

    describe('passwords', () => {
      it('changes the password with the current one; every other session ends, this one stays', async () => {
        const email = uniqueEmail('change');
        const [a, b] = [browser(), browser()];
        await a.signup(email, GOOD_PASSWORD);
        await b.login(email, GOOD_PASSWORD);
        const wrong = await a.call('POST', '/api/auth/password', { currentPassword: 'Not-the-passw0rd', newPassword: 'Brand-new-passw0rd' });
        assert.equal(wrong.status, 403);
        assert.match(wrong.body.error.message, /^currentPassword: /);
        const weak = await a.call('POST', '/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'weak' });
        assert.equal(weak.status, 400);
        assert.match(weak.body.error.message, /^newPassword: /);
        const ok = await a.call('POST', '/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'Brand-new-passw0rd' });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.revokedSessions, 1);
        assert.equal((await a.call('GET', '/api/auth/me')).status, 200);
        assert.equal((await b.call('GET', '/api/auth/me')).status, 401);
        assert.equal((await browser().login(email, GOOD_PASSWORD)).status, 401);
        assert.equal((await browser().login(email, 'Brand-new-passw0rd')).status, 200);
        const guest = browser();
        await guest.csrf();
        assert.equal((await guest.call('POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'y' })).status, 401);
      });

      it('resets a forgotten password end to end: 202, a mail through SMTP, a link that works once and ends every session', async () => {
        const email = uniqueEmail('forgot');
        const owner = browser();
        await owner.signup(email, GOOD_PASSWORD);
        const b = browser();
        await b.csrf();
        const r = await b.call('POST', '/api/auth/password-reset', { email: email.toUpperCase() });
        assert.equal(r.status, 202);
        const nobody = uniqueEmail('nobody');
        const r2 = await b.call('POST', '/api/auth/password-reset', { email: nobody });
        assert.equal(r2.status, 202);
        assert.deepEqual(r2.body, r.body, 'the same answer whether or not the address has an account');

        const mail = await mailTo(email, /^Reset your Vitrine Test password$/);
        const link = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/reset\\?token=([A-Za-z0-9_-]{43})`).exec(mail.text);
        assert.ok(link, `a reset link in:\n${mail.text}`);
        const token = link[1]!;
        assert.ok(mail.html?.includes(`/reset?token=${token}`), 'the HTML part carries the link too');
        assert.equal(await db().selectFrom('password_reset_tokens').select('token_hash').where('token_hash', '=', token).executeTakeFirst(), undefined, 'stored hashed');
        const jobs = await db().selectFrom('jobs').select('id').where('type', '=', 'mail.send').where(sql<string>`payload->>'to'`, '=', nobody).execute();
        assert.equal(jobs.length, 0, 'nothing is sent for an address without an account');

        const weak = await b.call('POST', '/api/auth/password-reset/confirm', { token, password: 'weakweakweak' });
        assert.equal(weak.status, 400);
        assert.equal(weak.body.error.code, 'WEAK_PASSWORD');
        const done = await b.call('POST', '/api/auth/password-reset/confirm', { token, password: 'Reset-passw0rd!' });
        assert.equal(done.status, 204, 'a refused password left the link usable');
        assert.equal((await owner.call('GET', '/api/auth/me')).status, 401, 'every session ended');
        assert.equal((await browser().login(email, GOOD_PASSWORD)).status, 401);
        assert.equal((await browser().login(email, 'Reset-passw0rd!')).status, 200);
        const again = await b.call('POST', '/api/auth/password-reset/confirm', { token, password: 'Another-passw0rd' });
        assert.equal(again.status, 400);
        assert.equal(again.body.error.code, 'INVALID_TOKEN');
        assert.match(again.body.error.message, /^token: /);
      });

      it('refuses an expired reset link', async () => {
        const email = uniqueEmail('expired');
        await browser().signup(email, GOOD_PASSWORD);
        const b = browser();
        await b.csrf();
        assert.equal((await b.call('POST', '/api/auth/password-reset', { email })).status, 202);
        const mail = await mailTo(email, /^Reset your/);
        const token = /reset\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
        const row = await db().selectFrom('password_reset_tokens').select(['created_at', 'expires_at']).where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
        assert.equal(row.expires_at.getTime() - row.created_at.getTime(), 60 * 60 * 1000, 'valid for one hour');
        // An hour passes: the row's expiry moves into the past (the server compares it with the database clock).
        await db().updateTable('password_reset_tokens').set({ expires_at: sql<Date>`now() - interval '1 second'` }).where('token_hash', '=', hashToken(token)).execute();
        const r = await b.call('POST', '/api/auth/password-reset/confirm', { token, password: 'Late-passw0rd!' });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'INVALID_TOKEN');
        assert.equal((await browser().login(email, GOOD_PASSWORD)).status, 200, 'the password is unchanged');
      });
    });

    describe('roles', () => {
      it('refuses the admin endpoint to guests (401) and customers (403)', async () => {
        const guest = browser();
        await guest.csrf();
        const anon = await guest.call('POST', '/api/admin/staff', { email: ADMIN.email, role: 'customer' });
        assert.equal(anon.status, 401);
        assert.equal(anon.body.error.code, 'UNAUTHENTICATED');
        const customer = browser();
        await customer.signup(uniqueEmail('cust'), GOOD_PASSWORD);
        const denied = await customer.call('POST', '/api/admin/staff', { email: ADMIN.email, role: 'customer' });
        assert.equal(denied.status, 403);
        assert.equal(denied.body.error.code, 'FORBIDDEN');
        assert.equal((await customer.call('GET', '/api/admin/staff')).status, 403);
        assert.equal((await customer.call('GET', '/api/admin/mailbox')).status, 403);
      });

      it('lets the CLI-made admin grant roles; the change applies to live sessions at once', async () => {
        const email = uniqueEmail('merchant');
        const m = browser();
        await m.signup(email, GOOD_PASSWORD);
        const admin = browser();
        const login = await admin.login(ADMIN.email, ADMIN.password);
        assert.equal(login.status, 200);
        assert.equal(login.body.account.role, 'admin');
        const granted = await admin.call('POST', '/api/admin/staff', { email: email.toUpperCase(), role: 'merchant' });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));
        assert.equal(granted.body.account.role, 'merchant');
        assert.equal((await m.call('GET', '/api/auth/me')).body.account.role, 'merchant');
        const staff = await admin.call('GET', '/api/admin/staff');
        assert.deepEqual(
          staff.body.items.map((a: { email: string; role: string }) => [a.email, a.role]).filter(([e]: string[]) => e === email || e === ADMIN.email),
          [[email, 'merchant'], [ADMIN.email, 'admin']].sort(),
        );
        assert.equal((await m.call('POST', '/api/admin/staff', { email, role: 'admin' })).status, 403, 'merchants do not manage staff');

        const self = await admin.call('POST', '/api/admin/staff', { email: ADMIN.email, role: 'customer' });
        assert.equal(self.status, 409);
        const unknown = await admin.call('POST', '/api/admin/staff', { email: uniqueEmail('ghost'), role: 'merchant' });
        assert.equal(unknown.status, 404);
        const badRole = await admin.call('POST', '/api/admin/staff', { email, role: 'owner' });
        assert.equal(badRole.status, 400);
        assert.match(badRole.body.error.message, /role/);
        const noMailbox = await admin.call('GET', '/api/admin/mailbox');
        assert.equal(noMailbox.status, 404, 'SMTP_URL is set: no development mailbox');
      });
    });
  });
}
