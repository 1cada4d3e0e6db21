// Indexed triangle mesh in plain arrays, plus the merge/transform helpers every builder and product shares.
import { cross, normalize, sub, type Vec3 } from './vec.ts';

export interface MeshData {
  positions: number[]; // xyz per vertex
  normals: number[]; // unit xyz per vertex
  uvs: number[]; // uv per vertex
  indices: number[]; // counter-clockwise triangles seen from outside
}

export function emptyMesh(): MeshData {
  return { positions: [], normals: [], uvs: [], indices: [] };
}

export function pushVertex(m: MeshData, p: Vec3, n: Vec3, u: number, v: number): number {
  m.positions.push(p[0], p[1], p[2]);
  m.normals.push(n[0], n[1], n[2]);
  m.uvs.push(u, v);
  return m.positions.length / 3 - 1;
}

export const vertexCount = (m: MeshData): number => m.positions.length / 3;
export const triangleCount = (m: MeshData): number => m.indices.length / 3;

export function merge(...meshes: MeshData[]): MeshData {
  const out = emptyMesh();
  for (const m of meshes) {
    const base = vertexCount(out);
    out.positions.push(...m.positions);
    out.normals.push(...m.normals);
    out.uvs.push(...m.uvs);
    for (const i of m.indices) out.indices.push(i + base);
  }
  return out;
}

/** 3x3 row-major linear part and a translation. */
export interface Affine {
  m: [number, number, number, number, number, number, number, number, number];
  t: Vec3;
}

export const IDENTITY: Affine = { m: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };

export function affine(m: Affine['m'], t: Vec3 = [0, 0, 0]): Affine {
  return { m, t };
}

/** a ∘ b: applies b first, then a. */
export function compose(a: Affine, b: Affine): Affine {
  const A = a.m;
  const B = b.m;
  const m: Affine['m'] = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = A[r * 3]! * B[c]! + A[r * 3 + 1]! * B[3 + c]! + A[r * 3 + 2]! * B[6 + c]!;
  return { m, t: add3(applyLinear(A, b.t), a.t) };
}

const add3 = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
function applyLinear(m: Affine['m'], v: Vec3): Vec3 {
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}

/** Returns a transformed copy. Normals use the cofactor matrix so non-uniform scales stay correct; mirrors flip the winding. */
export function transform(mesh: MeshData, a: Affine): MeshData {
  const m = a.m;
  // Cofactor matrix = det * inverse-transpose; the scale factor disappears when normals are renormalised.
  const cof: Affine['m'] = [
    m[4] * m[8] - m[5] * m[7], m[5] * m[6] - m[3] * m[8], m[3] * m[7] - m[4] * m[6],
    m[2] * m[7] - m[1] * m[8], m[0] * m[8] - m[2] * m[6], m[1] * m[6] - m[0] * m[7],
    m[1] * m[5] - m[2] * m[4], m[2] * m[3] - m[0] * m[5], m[0] * m[4] - m[1] * m[3],
  ];
  const det = m[0] * cof[0] + m[1] * cof[1] + m[2] * cof[2];
  const out: MeshData = { positions: new Array<number>(mesh.positions.length), normals: new Array<number>(mesh.normals.length), uvs: mesh.uvs.slice(), indices: mesh.indices.slice() };
  for (let i = 0; i < mesh.positions.length; i += 3) {
    const p = applyLinear(m, [mesh.positions[i]!, mesh.positions[i + 1]!, mesh.positions[i + 2]!]);
    out.positions[i] = p[0] + a.t[0];
    out.positions[i + 1] = p[1] + a.t[1];
    out.positions[i + 2] = p[2] + a.t[2];
    const n = normalize(applyLinear(cof, [mesh.normals[i]!, mesh.normals[i + 1]!, mesh.normals[i + 2]!]));
    const s = det < 0 ? -1 : 1;
    out.normals[i] = n[0] * s;
    out.normals[i + 1] = n[1] * s;
    out.normals[i + 2] = n[2] * s;
  }
  if (det < 0) {
    for (let i = 0; i < out.indices.length; i += 3) {
      const t = out.indices[i + 1]!;
      out.indices[i + 1] = out.indices[i + 2]!;
      out.indices[i + 2] = t;
    }
  }
  return out;
}

export const translation = (x: number, y: number, z: number): Affine => ({ m: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [x, y, z] });
export const scaling = (x: number, y = x, z = x): Affine => ({ m: [x, 0, 0, 0, y, 0, 0, 0, z], t: [0, 0, 0] });
export function rotationX(a: number): Affine {
  const c = Math.cos(a), s = Math.sin(a);
  return { m: [1, 0, 0, 0, c, -s, 0, s, c], t: [0, 0, 0] };
}
export function rotationY(a: number): Affine {
  const c = Math.cos(a), s = Math.sin(a);
  return { m: [c, 0, s, 0, 1, 0, -s, 0, c], t: [0, 0, 0] };
}
export function rotationZ(a: number): Affine {
  const c = Math.cos(a), s = Math.sin(a);
  return { m: [c, -s, 0, s, c, 0, 0, 0, 1], t: [0, 0, 0] };
}

/** Applies transforms left to right: place(mesh, scaling(2), translation(0,1,0)) scales, then moves. */
export function place(mesh: MeshData, ...steps: Affine[]): MeshData {
  let a = IDENTITY;
  for (const s of steps) a = compose(s, a);
  return transform(mesh, a);
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export function bounds(...meshes: MeshData[]): Bounds {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const m of meshes) {
    for (let i = 0; i < m.positions.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const v = m.positions[i + k]!;
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
    }
  }
  return { min, max };
}

/**
 * Recomputes normals as the area-weighted average of the faces around each position, welding vertices that
 * share a position (UV seams) so the seam does not show. Only for surfaces meant to be smooth everywhere.
 */
export function smoothNormals(mesh: MeshData): MeshData {
  const key = (i: number): string =>
    `${Math.round(mesh.positions[i * 3]! * 1e5)},${Math.round(mesh.positions[i * 3 + 1]! * 1e5)},${Math.round(mesh.positions[i * 3 + 2]! * 1e5)}`;
  const groups = new Map<string, number>();
  const groupOf = new Int32Array(vertexCount(mesh));
  for (let i = 0; i < groupOf.length; i++) {
    const k = key(i);
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = groups.size));
    groupOf[i] = g;
  }
  const acc = new Float64Array(groups.size * 3);
  const P = (i: number): Vec3 => [mesh.positions[i * 3]!, mesh.positions[i * 3 + 1]!, mesh.positions[i * 3 + 2]!];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const a = mesh.indices[t]!, b = mesh.indices[t + 1]!, c = mesh.indices[t + 2]!;
    const n = cross(sub(P(b), P(a)), sub(P(c), P(a))); // length = 2 * area: area weighting for free
    for (const v of [a, b, c]) {
      const g = groupOf[v]!;
      acc[g * 3] = acc[g * 3]! + n[0];
      acc[g * 3 + 1] = acc[g * 3 + 1]! + n[1];
      acc[g * 3 + 2] = acc[g * 3 + 2]! + n[2];
    }
  }
  const normals = new Array<number>(mesh.normals.length);
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i]!;
    const old: Vec3 = [mesh.normals[i * 3]!, mesh.normals[i * 3 + 1]!, mesh.normals[i * 3 + 2]!];
    const n = normalize([acc[g * 3]!, acc[g * 3 + 1]!, acc[g * 3 + 2]!], old);
    normals[i * 3] = n[0];
    normals[i * 3 + 1] = n[1];
    normals[i * 3 + 2] = n[2];
  }
  return { ...mesh, normals };
}

/**
 * Maps every position through a smooth fn (bend, taper, bulge). Normals follow the local Jacobian of fn
 * (cofactor rule, estimated by central differences), so hard edges stay hard and smooth surfaces stay smooth.
 */
export function deform(mesh: MeshData, fn: (p: Vec3) => Vec3, h = 1e-5): MeshData {
  const out: MeshData = { positions: mesh.positions.slice(), normals: mesh.normals.slice(), uvs: mesh.uvs, indices: mesh.indices };
  for (let i = 0; i < mesh.positions.length; i += 3) {
    const p: Vec3 = [mesh.positions[i]!, mesh.positions[i + 1]!, mesh.positions[i + 2]!];
    const q = fn(p);
    const col = (k: number): Vec3 => {
      const a: Vec3 = [p[0], p[1], p[2]];
      const b: Vec3 = [p[0], p[1], p[2]];
      a[k] = p[k]! + h;
      b[k] = p[k]! - h;
      const fa = fn(a), fb = fn(b);
      return [(fa[0] - fb[0]) / (2 * h), (fa[1] - fb[1]) / (2 * h), (fa[2] - fb[2]) / (2 * h)];
    };
    const c0 = col(0), c1 = col(1), c2 = col(2);
    // Inverse-transpose of J up to scale is the cofactor matrix, whose rows are the cross products of J's columns.
    const r0 = cross(c1, c2), r1 = cross(c2, c0), r2 = cross(c0, c1);
    const n: Vec3 = [mesh.normals[i]!, mesh.normals[i + 1]!, mesh.normals[i + 2]!];
    const m = normalize([r0[0] * n[0] + r1[0] * n[1] + r2[0] * n[2], r0[1] * n[0] + r1[1] * n[1] + r2[1] * n[2], r0[2] * n[0] + r1[2] * n[1] + r2[2] * n[2]], n);
    out.positions[i] = q[0];
    out.positions[i + 1] = q[1];
    out.positions[i + 2] = q[2];
    out.normals[i] = m[0];
    out.normals[i + 1] = m[1];
    out.normals[i + 2] = m[2];
  }
  return out;
}
