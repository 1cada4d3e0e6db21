// `vitrine admin:create` as the operator runs it: a real process, the password piped on stdin. Weak, missing and
// duplicate input is refused with a message and a non-zero exit, and creates nothing. (The accounts API suite
// makes its admin this way and logs in with it, on PGlite and on Postgres.)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/env.ts';
import { accountByEmail, insertAccount } from '../../src/databases/relational/accounts.ts';
import { hashPassword, verifyPassword } from '../../src/compute/accounts/passwords.ts';
import { openRelational } from '../../src/databases/relational/index.ts';
import { runCli } from './cli-runner.ts';

let dataDir: string;
before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-admin-cli-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], stdin: string) => runCli(args, stdin, { VITRINE_DATA_DIR: dataDir });

/**
 * Runs `vitrine <args>` on a real terminal (a pty made by util-linux's `script`), typing each answer once its
 * prompt shows. Resolves with everything the terminal displayed and the exit code.
 */
function onTerminal(args: string[], answers: readonly [prompt: string, typed: string][]): Promise<{ code: number | null; screen: string }> {
  const child = spawn('script', ['-qec', [process.execPath, 'bin/vitrine.js', ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], {
    env: { ...process.env, VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let next = 0;
  let seen = 0; // the screen up to here has been answered
  child.stdout.on('data', (c: Buffer) => {
    screen += c.toString();
    const answer = answers[next];
    const at = answer ? screen.indexOf(answer[0], seen) : -1;
    if (answer && at >= 0) {
      next++;
      seen = at + answer[0].length;
      child.stdin.write(`${answer[1]}\r`);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Works on the data folder's PGlite directly, while no CLI process has it open. */
async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openRelational>>['db']) => Promise<T>): Promise<T> {
  const relational = await openRelational(loadConfig({ VITRINE_DATA_DIR: dataDir }));
  try {
    return await fn(relational.db);
  } finally {
    await relational.close();
  }
}
const stored = (email: string) => withDb((db) => accountByEmail(db, email));

describe('vitrine admin:create', () => {
  it('is listed in --help', async () => {
    const r = await cli(['--help'], '');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /admin:create/);
  });

  it('requires --email', async () => {
    const r = await cli(['admin:create'], 'Strong-passw0rd\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--email/);
  });

  it('refuses a weak password, saying why, and creates nothing', async () => {
    const r = await cli(['admin:create', '--email', 'weak@example.com'], 'password\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /WEAK_PASSWORD: password: must be at least 10 characters/);
    assert.equal(await stored('weak@example.com'), undefined);
  });

  it('has no default password: empty stdin is refused', async () => {
    const r = await cli(['admin:create', '--email', 'empty@example.com'], '');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no password/);
    assert.equal(await stored('empty@example.com'), undefined);
  });

  it('creates an admin from the first line of stdin, the address normalised, the password hashed with argon2id', async () => {
    const r = await cli(['admin:create', '--email', ' Boss@Example.com ', '--name', 'The Boss'], 'Strong-passw0rd\nignored second line\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created admin boss@example\.com/);
    const a = await stored('boss@example.com');
    assert.equal(a?.role, 'admin');
    assert.equal(a?.name, 'The Boss');
    assert.match(a?.passwordHash ?? '', /^\$argon2id\$/);
    assert.ok(await verifyPassword(a?.passwordHash, 'Strong-passw0rd'));
  });

  it('on a terminal, asks twice without echoing and refuses two different answers', { skip: !hasScript && 'util-linux `script` is not installed' }, async () => {
    const differ = await onTerminal(['admin:create', '--email', 'tty@example.com'], [
      ['Password for the new admin: ', 'Typed-passw0rd-1'],
      ['Same password again: ', 'Typed-passw0rd-2'],
    ]);
    assert.equal(differ.code, 1);
    assert.match(differ.screen, /the two passwords differ/);
    assert.doesNotMatch(differ.screen, /Typed-passw0rd/, 'nothing typed is shown');
    assert.equal(await stored('tty@example.com'), undefined);

    const ok = await onTerminal(['admin:create', '--email', 'tty@example.com'], [
      ['Password for the new admin: ', 'Typed-passw0rd-1'],
      ['Same password again: ', 'Typed-passw0rd-1'],
    ]);
    assert.equal(ok.code, 0, ok.screen);
    assert.match(ok.screen, /Created admin tty@example\.com/);
    assert.doesNotMatch(ok.screen, /Typed-passw0rd/);
    assert.ok(await verifyPassword((await stored('tty@example.com'))?.passwordHash, 'Typed-passw0rd-1'));
  });

  it('refuses an address that has an account, pointing at --promote; --promote makes it admin and keeps its password', async () => {
    const again = await cli(['admin:create', '--email', 'boss@example.com'], 'Other-passw0rd\n');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists.*--promote/);

    const ghost = await cli(['admin:create', '--email', 'ghost@example.com', '--promote'], '');
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /no account uses ghost@example\.com/);

    const hash = await hashPassword('Customer-passw0rd');
    await withDb((db) => insertAccount(db, { email: 'clerk@example.com', name: null, role: 'customer', passwordHash: hash }));
    const promoted = await cli(['admin:create', '--email', 'Clerk@example.com', '--promote'], '');
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /Made admin clerk@example\.com/);
    const clerk = await stored('clerk@example.com');
    assert.equal(clerk?.role, 'admin');
    assert.equal(clerk?.passwordHash, hash, 'the password is kept');
  });
});
