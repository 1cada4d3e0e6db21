// Unit tests for the procedural mesh builders: closed surfaces, outward winding, unit normals, exact counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lathe, cylinder, torus, sphere } from '../../src/demo/geometry/lathe.ts';
import { sweep, arcPath, filletPath, splinePath } from '../../src/demo/geometry/sweep.ts';
import { extrude } from '../../src/demo/geometry/extrude.ts';
import { roundedBox, box } from '../../src/demo/geometry/rounded-box.ts';
import { loft } from '../../src/demo/geometry/loft.ts';
import { roundedRect2, circle2, superellipse2 } from '../../src/demo/geometry/shapes2d.ts';
import { bounds, deform, merge, place, rotationY, scaling, translation, triangleCount, type MeshData } from '../../src/demo/geometry/mesh.ts';
import { triangulate } from '../../src/demo/geometry/profile.ts';
import type { Vec3 } from '../../src/demo/geometry/vec.ts';

const P = (m: MeshData, i: number): Vec3 => [m.positions[i * 3]!, m.positions[i * 3 + 1]!, m.positions[i * 3 + 2]!];
const N = (m: MeshData, i: number): Vec3 => [m.normals[i * 3]!, m.normals[i * 3 + 1]!, m.normals[i * 3 + 2]!];

/** Checks indices, unit normals, UV count, and that every face winds outwards (agrees with its vertex normals). */
function assertWellFormed(m: MeshData): void {
  const n = m.positions.length / 3;
  assert.equal(m.normals.length, n * 3);
  assert.equal(m.uvs.length, n * 2);
  assert.equal(m.indices.length % 3, 0);
  for (const i of m.indices) assert.ok(Number.isInteger(i) && i >= 0 && i < n, `index ${i} out of range`);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(Math.hypot(...N(m, i)) - 1) < 1e-6, `normal ${i} is not unit length`);
  let disagree = 0;
  for (let t = 0; t < m.indices.length; t += 3) {
    const [a, b, c] = [m.indices[t]!, m.indices[t + 1]!, m.indices[t + 2]!];
    const pa = P(m, a), pb = P(m, b), pc = P(m, c);
    const u = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]], v = [pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]];
    const f = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
    const area = Math.hypot(f[0]!, f[1]!, f[2]!) / 2;
    assert.ok(area > 1e-12, `triangle ${t / 3} is degenerate`);
    const vn = [N(m, a), N(m, b), N(m, c)].reduce((s, x) => [s[0]! + x[0], s[1]! + x[1], s[2]! + x[2]], [0, 0, 0]);
    if (f[0]! * vn[0]! + f[1]! * vn[1]! + f[2]! * vn[2]! <= 0) disagree++;
  }
  assert.equal(disagree, 0, `${disagree} triangles wind against their normals`);
}

/** Every edge, after welding equal positions, is shared by exactly two triangles in opposite directions. */
function assertClosed(m: MeshData): void {
  const key = (i: number): string => P(m, i).map((x) => Math.round(x * 1e6)).join(',');
  const edges = new Map<string, number>();
  for (let t = 0; t < m.indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = key(m.indices[t + k]!), b = key(m.indices[t + ((k + 1) % 3)]!);
      edges.set(`${a}|${b}`, (edges.get(`${a}|${b}`) ?? 0) + 1);
    }
  }
  for (const [e, count] of edges) {
    const [a, b] = e.split('|');
    assert.equal(count, 1, `edge ${e} used ${count} times in one direction`);
    assert.equal(edges.get(`${b}|${a}`), 1, `edge ${e} has no opposite twin: surface is open`);
  }
}

function volume(m: MeshData): number {
  let v = 0;
  for (let t = 0; t < m.indices.length; t += 3) {
    const a = P(m, m.indices[t]!), b = P(m, m.indices[t + 1]!), c = P(m, m.indices[t + 2]!);
    v += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6;
  }
  return v;
}

const near = (actual: number, expected: number, rel: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel, `${what}: ${actual} is not within ${rel * 100}% of ${expected}`);

test('lathe: a cylinder is closed, winds outwards, has hard rims and the expected volume and triangle count', () => {
  const m = cylinder(0.1, 0.1, 0.2, 64);
  assertWellFormed(m);
  assertClosed(m);
  near(volume(m), Math.PI * 0.01 * 0.2, 0.01, 'cylinder volume');
  // 3 strips: bottom fan (64) + side quads (128) + top fan (64)
  assert.equal(triangleCount(m), 64 + 128 + 64);
  // hard edge at the rim: a side vertex's normal is horizontal, a cap vertex's is vertical
  const normalsAtRim = new Set<string>();
  for (let i = 0; i < m.positions.length / 3; i++) {
    const p = P(m, i);
    if (Math.abs(p[1] - 0.2) < 1e-9 && Math.abs(Math.hypot(p[0], p[2]) - 0.1) < 1e-9) normalsAtRim.add(N(m, i).map((x) => Math.round(x * 10)).join(','));
  }
  assert.ok([...normalsAtRim].some((k) => k === '0,10,0'), 'rim has an upward cap normal');
  assert.ok([...normalsAtRim].some((k) => k.split(',')[1] === '0'), 'rim has a horizontal side normal');
});

test('lathe: a sphere and a torus are smooth, closed and close to their analytic volume', () => {
  const s = sphere(0.5, 64, 32);
  assertWellFormed(s);
  assertClosed(s);
  near(volume(s), (4 / 3) * Math.PI * 0.125, 0.01, 'sphere volume');
  // Smooth: each normal is the radial direction
  for (let i = 0; i < s.positions.length / 3; i++) {
    const p = P(s, i), n = N(s, i);
    assert.ok(Math.abs(p[0] / 0.5 - n[0]) + Math.abs(p[1] / 0.5 - n[1]) + Math.abs(p[2] / 0.5 - n[2]) < 1e-6);
  }
  const t = torus(0.3, 0.05, 64, 24);
  assertWellFormed(t);
  assertClosed(t);
  near(volume(t), 2 * Math.PI * Math.PI * 0.3 * 0.05 * 0.05, 0.02, 'torus volume');
  assert.equal(triangleCount(t), 64 * 24 * 2);
});

test('lathe: a thin-walled mug profile and a fluted (modulated) vase stay closed', () => {
  const mug = lathe([[0, 0], [0.04, 0], [0.042, 0.095], [0.038, 0.095], [0.036, 0.008], [0, 0.008]], { segments: 48 });
  assertWellFormed(mug);
  assertClosed(mug);
  assert.ok(volume(mug) > 0);
  const fluted = lathe([[0, 0], [0.06, 0], [0.08, 0.1], [0.05, 0.25], [0, 0.25]], { segments: 64, modulate: (th, _y, r) => r * (1 + 0.04 * Math.cos(th * 12)) });
  assertWellFormed(fluted);
  assertClosed(fluted);
});

test('sweep: a closed circular loop is a watertight torus; an open tube has caps; paths are smooth', () => {
  const loop = arcPath([0, 0, 0], 0.3, [1, 0, 0], [0, 0, -1], 0, Math.PI * 2, 96).slice(0, 96);
  const ring = sweep(loop, { radius: 0.05, segments: 24, closed: true });
  assertWellFormed(ring);
  assertClosed(ring);
  near(volume(ring), 2 * Math.PI * Math.PI * 0.3 * 0.05 * 0.05, 0.02, 'swept torus volume');
  const tube = sweep(filletPath([[0, 0, 0], [0, 0.4, 0], [0.3, 0.4, 0.1], [0.3, 0, 0.2]], 0.05, 8), { radius: 0.01, segments: 12 });
  assertWellFormed(tube);
  assertClosed(tube);
  const strap = sweep(splinePath([[0, 0, 0], [0.1, 0.2, 0], [0.2, 0.25, 0.05], [0.3, 0.1, 0]], 10), { shape: roundedRect2(0.03, 0.004, 0.0015, 2) });
  assertWellFormed(strap);
  assertClosed(strap);
  const tapered = sweep(arcPath([0, 0, 0], 0.1, [1, 0, 0], [0, 1, 0], 0, Math.PI / 2, 16), { radius: 0.01, taper: (t) => 1 - 0.5 * t });
  assertWellFormed(tapered);
  assertClosed(tapered);
});

test('extrude: hard-edged and bevelled slabs are closed with the right volume and size', () => {
  const slab = extrude(roundedRect2(0.4, 0.2, 0.05), 0.03);
  assertWellFormed(slab);
  assertClosed(slab);
  const area = 0.4 * 0.2 - (4 - Math.PI) * 0.05 * 0.05;
  near(volume(slab), area * 0.03, 0.01, 'slab volume');
  const bev = extrude(superellipse2(0.5, 0.3, 4, 96), 0.04, { bevel: 0.01, bevelSegments: 4 });
  assertWellFormed(bev);
  assertClosed(bev);
  const b = bounds(bev);
  near(b.max[0] - b.min[0], 1.0, 0.001, 'bevelled width');
  near(b.max[2] - b.min[2], 0.04, 0.001, 'bevelled depth');
  const notch = extrude([[0, 0], [0.1, 0], [0.1, 0.02], [0.03, 0.02], [0.03, 0.1], [0, 0.1]], 0.05); // concave L
  assertWellFormed(notch);
  assertClosed(notch);
  near(volume(notch), (0.1 * 0.02 + 0.03 * 0.08) * 0.05, 0.001, 'L volume');
});

test('roundedBox: exact outer size, closed, smooth on rounded edges; r=0 gives a 12-triangle box', () => {
  const m = roundedBox(0.8, 0.3, 0.5, 0.06, { segments: 4 });
  assertWellFormed(m);
  assertClosed(m);
  const b = bounds(m);
  near(b.max[0] - b.min[0], 0.8, 1e-9, 'width');
  near(b.max[1] - b.min[1], 0.3, 1e-9, 'height');
  const cushion = roundedBox(0.6, 0.15, 0.6, 0.05, { bulge: 0.02 });
  assertWellFormed(cushion);
  assertClosed(cushion);
  assert.ok(bounds(cushion).max[1] > 0.075 + 0.015, 'bulge raises the top');
  const plain = box(1, 2, 3);
  assertWellFormed(plain);
  assertClosed(plain);
  assert.equal(triangleCount(plain), 12);
  near(volume(plain), 6, 1e-9, 'box volume');
});

test('loft: rings in either order give an outward, closed skin', () => {
  const rings = [0, 0.1, 0.2, 0.3].map((z) => circle2(0.05 + z * 0.1, 16).map(([x, y]): Vec3 => [x, y, z]));
  for (const rs of [rings, rings.map((r) => [...r].reverse())]) {
    const m = loft(rs, { start: 'flat', end: [0, 0, 0.4] });
    assertWellFormed(m);
    assertClosed(m);
    assert.ok(volume(m) > 0);
  }
});

test('mesh helpers: mirroring keeps faces outward, deform keeps normals unit, merge adds counts', () => {
  const c = cylinder(0.05, 0.03, 0.2, 16);
  const mirrored = place(c, scaling(-1, 1, 1), rotationY(0.3), translation(1, 0, 0));
  assertWellFormed(mirrored);
  assertClosed(mirrored);
  near(volume(mirrored), volume(c), 1e-9, 'mirrored volume');
  const bent = deform(roundedBox(0.4, 0.05, 0.1, 0.01), ([x, y, z]) => [x, y + 0.5 * x * x, z]);
  assertWellFormed(bent);
  const both = merge(c, mirrored);
  assert.equal(triangleCount(both), 2 * triangleCount(c));
  assert.equal(triangulate([[0, 0], [1, 0], [1, 1], [0.5, 0.2], [0, 1]]).length, 9);
});
