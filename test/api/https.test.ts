// HTTPS mode: with TLS_CERT_FILE and TLS_KEY_FILE the API serves TLS itself (a node with no proxy in front), sends
// HSTS and sets Secure cookies. The certificate is made for the test with Debian's openssl and verified by the
// client against it: nothing turns certificate checks off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/env.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-tls-'));
const certFile = path.join(dir, 'cert.pem');
const keyFile = path.join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
const ca = readFileSync(certFile);

function get(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ca, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('HTTPS mode', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { SEED_DEMO: 'false', TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } });
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves TLS with a certificate the client verifies, HSTS on every answer', async () => {
    assert.match(app.baseUrl, /^https:\/\//);
    const res = await get(`${app.baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
    await assert.rejects(fetch(`${app.baseUrl.replace('https', 'http')}/healthz`), 'plain HTTP on the TLS port is refused');
  });

  it('marks the session cookie Secure', async () => {
    const csrf = await get(`${app.baseUrl}/api/auth/csrf`);
    const guestCookie = String(csrf.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const token = (JSON.parse(csrf.body) as { csrfToken: string }).csrfToken;
    const signup = await get(`${app.baseUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl, cookie: guestCookie, 'x-csrf-token': token },
      body: JSON.stringify({ email: 'tls@example.com', password: 'Sturdy-passw0rd' }),
    });
    assert.equal(signup.status, 201, signup.body);
    const session = (signup.headers['set-cookie'] as string[]).find((c) => c.startsWith('vitrine_session='));
    assert.match(session ?? '', /; Secure/);
  });

  it('refuses half a configuration and unreadable files, naming the variable', () => {
    assert.throws(() => loadConfig({ TLS_CERT_FILE: certFile }), (e: unknown) => e instanceof ConfigError && /TLS_KEY_FILE: required with TLS_CERT_FILE/.test(e.message));
    const missing = path.join(dir, 'nope.pem');
    assert.throws(() => loadConfig({ TLS_CERT_FILE: missing, TLS_KEY_FILE: keyFile }), new RegExp(`TLS_CERT_FILE: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
