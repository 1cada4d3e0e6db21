// The dashboard's pure parts: which UTC days a range covers, the daily series with empty days as zeros, and the
// pipeline's savings summed over ready assets only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assetSavings, dayWindow, fillDays } from '../../src/domain/dashboard.ts';

test('a window is the last N UTC days, today included, whatever the hour', () => {
  const w = dayWindow(3, new Date('2026-03-01T23:59:59.999Z'));
  assert.deepEqual(w.days, ['2026-02-27', '2026-02-28', '2026-03-01']);
  assert.equal(w.from.toISOString(), '2026-02-27T00:00:00.000Z');
  assert.deepEqual(dayWindow(1, new Date('2026-03-01T00:00:00Z')).days, ['2026-03-01']);
  assert.throws(() => dayWindow(0, new Date()), RangeError);
});

test('every day of the window gets a row, zeros where nothing sold; rows outside are dropped', () => {
  const w = dayWindow(3, new Date('2026-03-01T12:00:00Z'));
  const filled = fillDays(w, [
    { day: '2026-02-28', orders: 2, revenue: 5_000 },
    { day: '2026-02-01', orders: 9, revenue: 9_999 },
  ]);
  assert.deepEqual(filled, [
    { day: '2026-02-27', orders: 0, revenue: 0 },
    { day: '2026-02-28', orders: 2, revenue: 5_000 },
    { day: '2026-03-01', orders: 0, revenue: 0 },
  ]);
});

test('savings count ready assets with a pipeline report; the served size is the asset’s own', () => {
  const optimisation = (bytesBefore: number, bytesAfter: number) => ({ report: { optimisation: { bytesBefore, bytesAfter } } });
  assert.deepEqual(
    assetSavings([
      { status: 'ready', bytes: 300, ...optimisation(1_000, 300) },
      // Published the original (no smaller file passed): the served bytes are the original's.
      { status: 'ready', bytes: 500, ...optimisation(500, 420) },
      { status: 'ready', bytes: 80 },
      { status: 'failed', ...optimisation(9_000, 9_000) },
      { status: 'processing' },
    ]),
    { processed: 2, unmeasured: 1, sourceBytes: 1_500, optimizedBytes: 800 },
  );
});
