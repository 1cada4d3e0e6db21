// Log lines never carry secrets: the paths a request or a domain object may put them in are censored.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../../src/monitoring/logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(loggerOptions('info', 'test'), stream), lines };
}

describe('log redaction', () => {
  it('censors authorization, cookies, set-cookie, passwords, tokens and card data', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { method: 'POST', url: '/api/auth/login', headers: { authorization: 'Bearer s3cr3t', cookie: 'vitrine_session=abc', 'x-api-key': 'k' } },
        res: { statusCode: 200, headers: { 'set-cookie': 'vitrine_session=def' } },
        body: { email: 'a@example.com', password: 'hunter2hunter2', token: 'reset-token', card: '4242424242424242' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['s3cr3t', 'vitrine_session=abc', 'vitrine_session=def', 'hunter2hunter2', 'reset-token', '4242424242424242', '"k"']) {
      assert.ok(!text.includes(secret), `${secret} must not be logged: ${text}`);
    }
    assert.ok(text.includes('a@example.com'), 'non-secret fields stay');
    assert.ok(text.includes('[redacted]'));
    assert.equal(lines[0]!.level, 'info');
  });
});
