// The accounts' settings from the environment: defaults for the one-machine shop, and a message naming each bad
// variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessSettings } from '../../src/compute/accounts/accounts.ts';
import { loadConfig } from '../../src/config/env.ts';

describe('accounts configuration', () => {
  it('defaults: 7-day sessions, 10 log-ins per minute per IP, 5 failures, the dev mailbox, no proxy trusted', () => {
    const c = loadConfig({});
    assert.equal(c.SESSION_TTL_HOURS, 168);
    assert.equal(c.LOGIN_RATE_LIMIT, 10);
    assert.equal(c.LOGIN_MAX_FAILURES, 5);
    assert.equal(c.SMTP_URL, undefined);
    assert.equal(c.TRUST_PROXY, false);
    const s = accessSettings(c);
    assert.equal(s.publicUrl, 'http://localhost:3000', 'links point at this machine when PUBLIC_URL is unset');
    assert.equal(s.shopName, 'Vitrine');
    assert.equal(s.sessionTtlMs, 168 * 3600_000);
  });

  it('takes PUBLIC_URL without its trailing slash and the shop name from MAIL_FROM', () => {
    const s = accessSettings(loadConfig({ PUBLIC_URL: 'https://shop.example.com/', MAIL_FROM: '"Lumen Lamps" <hello@lumen.example>' }));
    assert.equal(s.publicUrl, 'https://shop.example.com');
    assert.equal(s.shopName, 'Lumen Lamps');
  });

  it('reads TRUST_PROXY as off, a number of proxies, addresses, or everything', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY, false);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.1' }).TRUST_PROXY, ['10.0.0.0/8', '172.16.0.1']);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY, true);
  });

  it('names every bad variable with what it must be, never echoing an SMTP URL (it may hold a password)', () => {
    assert.throws(
      () =>
        loadConfig({
          SESSION_TTL_HOURS: '0',
          LOGIN_RATE_LIMIT: 'lots',
          LOGIN_MAX_FAILURES: '1000',
          SMTP_URL: 'http://user:hunter2@mail.example.com',
          MAIL_FROM: 'not an address',
          TRUST_PROXY: 'maybe',
        }),
      (err: Error) =>
        /SESSION_TTL_HOURS: must be at least 1 hour/.test(err.message) &&
        /LOGIN_RATE_LIMIT: must be a whole number of attempts per minute/.test(err.message) &&
        /LOGIN_MAX_FAILURES: must be at most 100 failures/.test(err.message) &&
        /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/.test(err.message) &&
        /MAIL_FROM: must be an address, or a name and an address/.test(err.message) &&
        /TRUST_PROXY: must be false, a number of proxies in front/.test(err.message) &&
        !err.message.includes('hunter2'),
    );
  });
});
