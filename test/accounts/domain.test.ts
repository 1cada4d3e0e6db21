// The account rules as pure functions: the permission table, the password policy, email normalisation and the
// sliding expiry of sessions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIONS,
  AccountRuleError,
  ROLES,
  SESSION_ABSOLUTE_MS,
  can,
  isRole,
  normaliseEmail,
  normalisePassword,
  passwordProblems,
  renewedExpiry,
  type Action,
} from '../../src/domain/accounts.ts';

describe('permissions', () => {
  it('gives admins every action', () => {
    for (const a of ACTIONS) assert.ok(can('admin', a), a);
  });

  it('keeps staff management and the dev mailbox to admins', () => {
    for (const a of ['staff:manage', 'mailbox:read'] as const) {
      assert.equal(can('customer', a), false, `customer ${a}`);
      assert.equal(can('merchant', a), false, `merchant ${a}`);
    }
  });

  it('lets merchants run the shop but customers only their own things', () => {
    const merchantOnly: Action[] = ['catalog:write', 'orders:read-any', 'orders:fulfil'];
    for (const a of merchantOnly) {
      assert.ok(can('merchant', a), a);
      assert.equal(can('customer', a), false, a);
    }
    for (const a of ['account:manage-own', 'orders:read-own'] as const) for (const r of ROLES) assert.ok(can(r, a), `${r} ${a}`);
  });

  it('is monotonic: every role may do what the role below it may', () => {
    for (const a of ACTIONS) {
      if (can('customer', a)) assert.ok(can('merchant', a), a);
      if (can('merchant', a)) assert.ok(can('admin', a), a);
    }
  });

  it('knows its roles', () => {
    assert.ok(isRole('merchant'));
    assert.equal(isRole('owner'), false);
    assert.equal(isRole(undefined), false);
  });
});

describe('password policy', () => {
  const email = 'grace.hopper@example.com';

  it('accepts long passwords that mix kinds of characters', () => {
    for (const pw of ['Correct-horse', 'battery staple 42', 'ÉLAN-vital-99', '密码密码密码密码密码1', 'a1a1a1a1a1']) {
      assert.deepEqual(passwordProblems(pw, email), [], pw);
    }
  });

  it('requires at least 10 characters, counted as characters, not UTF-16 units', () => {
    assert.match(passwordProblems('Short-1', email).join(), /password: must be at least 10 characters/);
    assert.match(passwordProblems('😀😀😀😀😀a', email).join(), /at least 10/, '6 characters, 11 UTF-16 units');
    assert.deepEqual(passwordProblems('😀😀😀😀😀abcde', email), []);
  });

  it('refuses passwords of one kind of character', () => {
    for (const [pw, kind] of [
      ['abcdefghijkl', 'lowercase letters'],
      ['ABCDEFGHIJKL', 'uppercase letters'],
      ['123456789012', 'digits'],
      ['!@#$%^&*()_+', 'other characters'],
    ] as const) {
      const problems = passwordProblems(pw, email);
      assert.equal(problems.length, 1, pw);
      assert.equal(problems[0], `password: must mix at least two kinds of characters (it has only ${kind})`);
    }
  });

  it('refuses the email address, its local part, or a password containing it, in any case', () => {
    for (const pw of ['Grace.Hopper@Example.com', 'GRACE.HOPPER', 'x-grace.hopper@example.com-1']) {
      assert.ok(passwordProblems(pw, email).includes('password: must not be your email address'), pw);
    }
  });

  it('names the field it is asked about and lists every problem', () => {
    const problems = passwordProblems('aaa', email, 'newPassword');
    assert.equal(problems.length, 2);
    assert.ok(problems.every((p) => p.startsWith('newPassword: ')));
  });

  it('caps the length so request bodies stay small', () => {
    assert.match(passwordProblems(`Aa1${'x'.repeat(300)}`, email).join(), /at most 256 characters/);
  });

  it('judges and hashes passwords in NFKC form: the same characters typed on another keyboard are the same password', () => {
    assert.equal(normalisePassword('Ｐａｓｓ１'), 'Pass1');
    assert.equal(normalisePassword('Jose\u0301'), normalisePassword('Jos\u00e9'));
    assert.match(passwordProblems('ａａａａａａａａａａ', email).join(), /only lowercase letters/);
  });
});

describe('email normalisation', () => {
  it('trims and lower-cases; keeps dots and +tags', () => {
    assert.equal(normaliseEmail('  Ada.Lovelace+Shop@Example.COM '), 'ada.lovelace+shop@example.com');
  });

  it('uses Unicode NFC, so composed and decomposed forms are one address', () => {
    assert.equal(normaliseEmail('Jose\u0301@example.com'), normaliseEmail('Jos\u00e9@example.com'));
  });

  it('refuses what is not an address, naming the field', () => {
    for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com', 'ada@@example.com', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`]) {
      assert.throws(() => normaliseEmail(bad), (err: Error) => err instanceof AccountRuleError && /^email: /.test(err.message), JSON.stringify(bad));
    }
  });

  it('accepts international domains', () => {
    assert.equal(normaliseEmail('kunde@bücher.de'), 'kunde@bücher.de');
    assert.equal(normaliseEmail('user@xn--bcher-kva.de'), 'user@xn--bcher-kva.de');
  });
});

describe('sliding session expiry', () => {
  const ttl = 7 * 24 * 3600_000;
  const start = new Date('2030-01-01T00:00:00Z');

  it('leaves a session alone while more than half its TTL is left', () => {
    const s = { createdAt: start, expiresAt: new Date(start.getTime() + ttl) };
    assert.equal(renewedExpiry(s, new Date(start.getTime() + ttl / 4), ttl), undefined);
  });

  it('extends it to a full TTL from now once half is used', () => {
    const s = { createdAt: start, expiresAt: new Date(start.getTime() + ttl) };
    const now = new Date(start.getTime() + ttl * 0.6);
    assert.equal(renewedExpiry(s, now, ttl)?.getTime(), now.getTime() + ttl);
  });

  it('never past 90 days from the log-in', () => {
    const now = new Date(start.getTime() + SESSION_ABSOLUTE_MS - 3600_000);
    const s = { createdAt: start, expiresAt: new Date(now.getTime() + 1000) };
    assert.equal(renewedExpiry(s, now, ttl)?.getTime(), start.getTime() + SESSION_ABSOLUTE_MS);
    const capped = { createdAt: start, expiresAt: new Date(start.getTime() + SESSION_ABSOLUTE_MS) };
    assert.equal(renewedExpiry(capped, new Date(start.getTime() + SESSION_ABSOLUTE_MS - 1000), ttl), undefined);
  });
});
