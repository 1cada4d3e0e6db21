// The heap cap (src/runtime/heap.ts): set at start, lifted for good once the heap in use passes the threshold, never
// set when turned off. The flags are watched on their way to V8 (V8 has no way to read the factor back).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { limitHeapGrowth } from '../../src/runtime/heap.ts';

describe('heap growth cap', () => {
  it('caps at start and lifts once, when the heap in use passes the threshold', async () => {
    const set: string[] = [];
    limitHeapGrowth(30, { liftAboveBytes: 1, everyMs: 5, setFlags: (f) => set.push(f) });
    assert.deepEqual(set, ['--heap-growing-percent=30']);
    await sleep(60);
    assert.deepEqual(set, ['--heap-growing-percent=30', '--heap-growing-percent=0'], 'lifted once, then no more checks');
  });

  it('keeps the cap while the heap in use stays under the threshold', async () => {
    const set: string[] = [];
    limitHeapGrowth(30, { liftAboveBytes: Number.MAX_SAFE_INTEGER, everyMs: 5, setFlags: (f) => set.push(f) });
    await sleep(60);
    assert.deepEqual(set, ['--heap-growing-percent=30']);
  });

  it('leaves V8 its own factor when HEAP_GROWING_PERCENT is 0', async () => {
    const set: string[] = [];
    limitHeapGrowth(0, { liftAboveBytes: 1, everyMs: 5, setFlags: (f) => set.push(f) });
    await sleep(30);
    assert.deepEqual(set, []);
  });
});
