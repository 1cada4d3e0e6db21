// Skins a smooth surface through a sequence of closed rings with equal point counts (sneaker uppers, organic forms).
import { emptyMesh, pushVertex, smoothNormals, type MeshData } from './mesh.ts';
import type { Vec3 } from './vec.ts';

export interface LoftOptions {
  /** Close the ends with a fan to these apex points (smoothly), or with flat caps when 'flat'. */
  start?: Vec3 | 'flat' | 'open';
  end?: Vec3 | 'flat' | 'open';
}

function centroid(ring: readonly Vec3[]): Vec3 {
  const c: Vec3 = [0, 0, 0];
  for (const p of ring) (c[0] += p[0] / ring.length), (c[1] += p[1] / ring.length), (c[2] += p[2] / ring.length);
  return c;
}

/** Right-hand normal of a ring's point order (not normalised). */
function ringNormal(ring: readonly Vec3[]): Vec3 {
  const c = centroid(ring);
  const n: Vec3 = [0, 0, 0];
  for (let j = 0; j < ring.length; j++) {
    const p = ring[j]!, q = ring[(j + 1) % ring.length]!;
    const a: Vec3 = [p[0] - c[0], p[1] - c[1], p[2] - c[2]], b: Vec3 = [q[0] - c[0], q[1] - c[1], q[2] - c[2]];
    n[0] += a[1] * b[2] - a[2] * b[1];
    n[1] += a[2] * b[0] - a[0] * b[2];
    n[2] += a[0] * b[1] - a[1] * b[0];
  }
  return n;
}

export function loft(input: readonly (readonly Vec3[])[], opts: LoftOptions = {}): MeshData {
  const m = input[0]?.length ?? 0;
  if (input.length < 2 || m < 3) throw new Error('loft: needs at least two rings of three points');
  for (const r of input) if (r.length !== m) throw new Error('loft: all rings need the same number of points');
  // Normalise the ring order to clockwise around the travel direction, whatever the caller used, so faces point out.
  const c0 = centroid(input[0]!), c1 = centroid(input[input.length - 1]!);
  const n0 = ringNormal(input[0]!);
  const ccw = n0[0] * (c1[0] - c0[0]) + n0[1] * (c1[1] - c0[1]) + n0[2] * (c1[2] - c0[2]) > 0;
  const rings = ccw ? input.map((r) => [...r].reverse()) : input;
  const mesh = emptyMesh();
  for (let i = 0; i < rings.length; i++) {
    for (let j = 0; j <= m; j++) pushVertex(mesh, rings[i]![j % m]!, [0, 1, 0], j / m, i / (rings.length - 1));
  }
  const row = m + 1;
  for (let i = 0; i + 1 < rings.length; i++) {
    for (let j = 0; j < m; j++) {
      const a = i * row + j, b = a + 1, c = a + row + 1, d = a + row;
      mesh.indices.push(a, c, b, a, d, c);
    }
  }
  const flat: { ring: number; sign: number }[] = [];
  for (const [end, spec] of [[0, opts.start ?? 'open'], [rings.length - 1, opts.end ?? 'open']] as const) {
    if (spec === 'open') continue;
    if (spec === 'flat') {
      flat.push({ ring: end, sign: end === 0 ? 1 : -1 });
      continue;
    }
    const apex = pushVertex(mesh, spec, [0, 1, 0], 0.5, end === 0 ? 0 : 1);
    for (let j = 0; j < m; j++) {
      const a = end * row + j, b = a + 1;
      if (end === 0) mesh.indices.push(apex, a, b);
      else mesh.indices.push(apex, b, a);
    }
  }
  const smooth = smoothNormals(mesh);
  for (const { ring, sign } of flat) {
    // Flat caps get their own vertices so the rim stays a crisp edge.
    const pts = rings[ring]!;
    const c = centroid(pts);
    const n = ringNormal(pts);
    const l = Math.hypot(...n) || 1;
    const nn: Vec3 = [(n[0] / l) * sign, (n[1] / l) * sign, (n[2] / l) * sign];
    const centre = pushVertex(smooth, c, nn, 0.5, 0.5);
    const base = smooth.positions.length / 3;
    for (const p of pts) pushVertex(smooth, p, nn, 0.5, 0.5);
    for (let j = 0; j < m; j++) {
      const a = base + j, b = base + ((j + 1) % m);
      if (sign > 0) smooth.indices.push(centre, a, b);
      else smooth.indices.push(centre, b, a);
    }
  }
  return smooth;
}
