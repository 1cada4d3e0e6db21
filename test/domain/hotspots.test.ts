// The hotspot rules on their own (src/domain/hotspots.ts): limits, the model's box with its slack, tidying.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogRuleError } from '../../src/domain/catalog.ts';
import { checkHotspots, hotspotBox, MAX_HOTSPOTS, type Bounds, type Hotspot } from '../../src/domain/hotspots.ts';

const box: Bounds = { min: [-0.5, 0, -0.25], max: [0.5, 1, 0.25] };
const spot = (over: Partial<Hotspot> = {}): Hotspot => ({ id: 'a', label: 'Handle', position: [0, 0.5, 0], normal: [0, 0, 1], ...over });
const refuses = (list: Hotspot[], message: RegExp): void => {
  assert.throws(() => checkHotspots(list, box), (err: unknown) => err instanceof CatalogRuleError && message.test(err.message));
};

describe('hotspot rules', () => {
  it('tidies what it keeps: trimmed labels, unit normals, rounded numbers, no negative zero', () => {
    const [h] = checkHotspots([spot({ label: ' Handle  ', position: [0.1234567, -0, 0.2], normal: [0, 0, 5] })], box);
    assert.deepEqual(h, { id: 'a', label: 'Handle', position: [0.12346, 0, 0.2], normal: [0, 0, 1] });
  });

  it('allows the box’s faces and a hair beyond them (quantised meshes), not further', () => {
    assert.equal(checkHotspots([spot({ position: [0.5, 1, -0.25] })], box).length, 1);
    assert.equal(checkHotspots([spot({ position: [0.51, 1.01, -0.26] })], box).length, 1, 'within 2 % of the largest side');
    refuses([spot({ position: [0.6, 0.5, 0] })], /hotspots\[0\]\.position: x = 0\.6 m is outside the model, which spans -0\.5 … 0\.5 m on x/);
    refuses([spot({ position: [0, -0.1, 0] })], /y = -0\.1 m is outside/);
  });

  it('refuses too many, duplicate or malformed ids, empty or long labels, zero or non-finite vectors', () => {
    const full = Array.from({ length: MAX_HOTSPOTS }, (_, i) => spot({ id: `h${i}` }));
    assert.equal(checkHotspots(full, box).length, MAX_HOTSPOTS);
    refuses([...full, spot({ id: 'one-more' })], /at most 24 per model/);
    refuses([spot(), spot()], /hotspots\[1\]\.id: a is used twice/);
    refuses([spot({ id: 'Hinge' })], /id: must be 1–40 lowercase/);
    refuses([spot({ id: 'x'.repeat(41) })], /id: must be 1–40/);
    refuses([spot({ label: ' ' })], /label: must not be empty/);
    refuses([spot({ label: 'é'.repeat(81) })], /label: must be at most 80 characters/);
    assert.equal(checkHotspots([spot({ label: '🙂'.repeat(80) })], box).length, 1, 'characters, not UTF-16 units');
    refuses([spot({ label: 'a\nb' })], /label: must not contain control characters/);
    refuses([spot({ normal: [0, 0, 0] })], /normal: must not be zero/);
    refuses([spot({ position: [Number.NaN, 0, 0] })], /position: must be three finite numbers/);
    refuses([spot({ normal: [Infinity, 0, 0] })], /normal: must be three finite numbers/);
    refuses([spot({ position: [0, 0] as unknown as Hotspot['position'] })], /position: must be three/);
  });

  it('uses the measured box, else a generous one from the size, else none', () => {
    assert.deepEqual(hotspotBox({ bounds: box, dimensions: { width: 9, height: 9, depth: 9 } }), box);
    assert.deepEqual(hotspotBox({ dimensions: { width: 1, height: 2, depth: 0.5 } }), { min: [-2, -2, -2], max: [2, 2, 2] });
    assert.equal(hotspotBox({}), null);
  });
});
