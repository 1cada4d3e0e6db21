import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRange, notModified, strongEtag } from '../../src/delivery/conditional.ts';

const etag = strongEtag('abc');

describe('conditional requests (RFC 9110)', () => {
  it('matches If-None-Match lists, weak tags and *', () => {
    assert.ok(notModified('"abc"', etag));
    assert.ok(notModified('"x", W/"abc"', etag));
    assert.ok(notModified('*', etag));
    assert.ok(!notModified('"abd"', etag));
    assert.ok(!notModified(undefined, etag));
  });
});

describe('byte ranges', () => {
  it('serves first, middle, open-ended and suffix ranges', () => {
    assert.deepEqual(decideRange('bytes=0-99', undefined, 1000, etag), { kind: 'partial', range: { start: 0, end: 99 } });
    assert.deepEqual(decideRange('bytes=500-', undefined, 1000, etag), { kind: 'partial', range: { start: 500, end: 999 } });
    assert.deepEqual(decideRange('bytes=-10', undefined, 1000, etag), { kind: 'partial', range: { start: 990, end: 999 } });
    assert.deepEqual(decideRange('bytes=900-5000', undefined, 1000, etag), { kind: 'partial', range: { start: 900, end: 999 } });
  });

  it('refuses ranges past the end and ignores what it does not understand', () => {
    assert.deepEqual(decideRange('bytes=1000-', undefined, 1000, etag), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=-0', undefined, 1000, etag), { kind: 'unsatisfiable' });
    assert.deepEqual(decideRange('bytes=5-2', undefined, 1000, etag), { kind: 'full' });
    assert.deepEqual(decideRange('bytes=0-1,5-6', undefined, 1000, etag), { kind: 'full' });
    assert.deepEqual(decideRange('items=0-1', undefined, 1000, etag), { kind: 'full' });
  });

  it('sends the whole object when If-Range names another version', () => {
    assert.deepEqual(decideRange('bytes=0-9', '"old"', 1000, etag), { kind: 'full' });
    assert.deepEqual(decideRange('bytes=0-9', etag, 1000, etag), { kind: 'partial', range: { start: 0, end: 9 } });
  });
});

describe('content-coding negotiation', () => {
  it('prefers brotli, then gzip, honouring q-values and *', async () => {
    const { negotiateEncoding, encodedEtag } = await import('../../src/delivery/encoding.ts');
    assert.equal(negotiateEncoding('gzip, deflate, br'), 'br');
    assert.equal(negotiateEncoding('gzip'), 'gzip');
    assert.equal(negotiateEncoding('br;q=0, gzip;q=0.8'), 'gzip');
    assert.equal(negotiateEncoding('*'), 'br');
    assert.equal(negotiateEncoding('*;q=0'), 'identity');
    assert.equal(negotiateEncoding('identity'), 'identity');
    assert.equal(negotiateEncoding(undefined), 'identity');
    assert.equal(encodedEtag('"abc"', 'br'), '"abc-br"');
    assert.equal(encodedEtag('"abc"', 'identity'), '"abc"');
  });
});
