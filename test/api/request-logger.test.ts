// Each request's logger is made only when something is logged (request-logger.ts): what an operator reads must not
// change. The access line and an error line carry the request id; below the level nothing is written.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { AccessLog } from '../../src/compute/api/access-log.ts';
import { lazyChildLogger } from '../../src/compute/api/request-logger.ts';
import { loggerOptions } from '../../src/monitoring/logger.ts';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(loggerOptions(level, 'test'), stream), lines };
}

async function app(level: string) {
  const { logger, lines } = capture(level);
  const fastify = Fastify({ loggerInstance: logger, logController: new AccessLog(), childLoggerFactory: lazyChildLogger, genReqId: () => 'req-1' });
  fastify.get('/ok', async (req) => {
    req.log.debug({ detail: 1 }, 'debug detail');
    return { ok: true };
  });
  fastify.get('/warns', async (req) => {
    req.log.warn({ body: { token: 'secret-token' } }, 'something odd');
    return { ok: true };
  });
  fastify.get('/fails', async () => {
    throw new Error('boom');
  });
  return { fastify, lines };
}

describe('request logger', () => {
  it('at info: one access line per request, with the request id, route and status; debug lines are skipped', async () => {
    const { fastify, lines } = await app('info');
    assert.equal((await fastify.inject('/ok?token=abc')).statusCode, 200);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]!.msg, 'request');
    assert.equal(lines[0]!.requestId, 'req-1');
    assert.equal(lines[0]!.route, '/ok');
    assert.equal(lines[0]!.status, 200);
    assert.equal(lines[0]!.url, '/ok?token=[redacted]');
  });

  it('at warn: no access line, but a warning and a failure are logged with the request id (and still redacted)', async () => {
    const { fastify, lines } = await app('warn');
    await fastify.inject('/ok');
    assert.equal(lines.length, 0, JSON.stringify(lines));
    await fastify.inject('/warns');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'something odd');
    assert.equal(lines[0]!.requestId, 'req-1');
    assert.deepEqual(lines[0]!.body, { token: '[redacted]' });
    assert.equal((await fastify.inject('/fails')).statusCode, 500);
    const failed = lines.find((l) => l.msg === 'request failed');
    assert.ok(failed, JSON.stringify(lines));
    assert.equal(failed.requestId, 'req-1');
    assert.equal(failed.status, 500);
  });

  it('follows a level set on the request logger, and a route’s own log level', async () => {
    const { logger, lines } = capture('warn');
    const child = lazyChildLogger(logger, { requestId: 'r2' }, {});
    assert.equal(child.level, 'warn');
    child.info('hidden');
    child.level = 'info';
    child.info('shown');
    assert.deepEqual(lines.map((l) => [l.msg, l.requestId]), [['shown', 'r2']]);
    const quiet = lazyChildLogger(logger, { requestId: 'r3' }, { level: 'error' });
    quiet.warn('hidden too');
    assert.equal(quiet.level, 'error');
    assert.equal(lines.length, 1);
    quiet.child({ part: 'x' }).error('from a grandchild');
    assert.deepEqual(lines.at(-1) && [lines.at(-1)!.msg, lines.at(-1)!.requestId, lines.at(-1)!.part], ['from a grandchild', 'r3', 'x']);
  });
});
