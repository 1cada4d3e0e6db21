// A box centred on the origin with edges rounded to radius r (cushions, speakers, shelf boards, cases).
// Each face is a grid whose outer rows wrap 45° around the neighbouring edges, so normals are exact everywhere.
import { emptyMesh, pushVertex, smoothNormals, type MeshData } from './mesh.ts';
import { normalize, type Vec3 } from './vec.ts';

export interface RoundedBoxOptions {
  segments?: number; // rows per 45° of rounding
  /** Pushes face centres outwards by this much (pillowy cushions); the edges stay put. */
  bulge?: number;
  flatSegments?: number; // subdivisions of the flat middle of each face (needed for a visible bulge)
}

function axisCoords(half: number, r: number, seg: number, flat: number): number[] {
  const inner = half - r;
  if (r <= 0) return Array.from({ length: flat + 1 }, (_, k) => -half + (2 * half * k) / flat);
  const out: number[] = [];
  for (let k = 0; k <= seg; k++) out.push(-inner - r * Math.tan((Math.PI / 4) * (1 - k / seg)));
  if (inner < 1e-9) flat = 0; // both roundings meet: no flat band
  for (let k = 1; k < flat; k++) out.push(-inner + (2 * inner * k) / flat);
  for (let k = inner < 1e-9 ? 1 : 0; k <= seg; k++) out.push(inner + r * Math.tan((Math.PI / 4) * (k / seg)));
  return out;
}

export function roundedBox(width: number, height: number, depth: number, radius: number, opts: RoundedBoxOptions = {}): MeshData {
  const half: Vec3 = [width / 2, height / 2, depth / 2];
  const r = Math.max(0, Math.min(radius, ...half));
  const seg = opts.segments ?? 4;
  const bulge = opts.bulge ?? 0;
  const inner: Vec3 = [half[0] - r, half[1] - r, half[2] - r];
  const flat = opts.flatSegments ?? (bulge > 0 ? 6 : 1);
  const coords = [0, 1, 2].map((k) => axisCoords(half[k]!, r, seg, flat));
  const mesh = emptyMesh();
  // Each face: the axis it faces, its sign, and the (u, v) axes chosen so u × v points outwards.
  const faces: [number, number, number, number][] = [
    [0, 1, 1, 2], [0, -1, 2, 1], [1, 1, 2, 0], [1, -1, 0, 2], [2, 1, 0, 1], [2, -1, 1, 0],
  ];
  for (const [axis, sign, ua, va] of faces) {
    const cu = coords[ua]!, cv = coords[va]!;
    const base = mesh.positions.length / 3;
    for (let j = 0; j < cv.length; j++) {
      for (let i = 0; i < cu.length; i++) {
        const p: Vec3 = [0, 0, 0];
        p[axis] = sign * half[axis]!;
        p[ua] = cu[i]!;
        p[va] = cv[j]!;
        const q: Vec3 = [0, 0, 0];
        for (let k = 0; k < 3; k++) q[k] = Math.max(-inner[k]!, Math.min(inner[k]!, p[k]!));
        const face: Vec3 = [0, 0, 0];
        face[axis] = sign;
        const n = r > 0 ? normalize([p[0] - q[0], p[1] - q[1], p[2] - q[2]], face) : face;
        const pos: Vec3 = r > 0 ? [q[0] + n[0] * r, q[1] + n[1] * r, q[2] + n[2] * r] : p;
        if (bulge > 0) {
          // Smooth bump that is zero on the flat part's boundary, so the rounded edges are untouched.
          const fu = inner[ua]! > 0 ? Math.max(0, 1 - (p[ua]! / inner[ua]!) ** 2) : 0;
          const fv = inner[va]! > 0 ? Math.max(0, 1 - (p[va]! / inner[va]!) ** 2) : 0;
          pos[axis] = pos[axis]! + sign * bulge * fu * fv;
        }
        pushVertex(mesh, pos, n, i / (cu.length - 1), j / (cv.length - 1));
      }
    }
    for (let j = 0; j + 1 < cv.length; j++) {
      for (let i = 0; i + 1 < cu.length; i++) {
        const a = base + j * cu.length + i, b = a + 1, c = a + cu.length + 1, d = a + cu.length;
        mesh.indices.push(a, b, c, a, c, d);
      }
    }
  }
  // The bulge bends the faces, so analytic normals no longer hold; the surface is smooth everywhere when r > 0.
  return bulge > 0 ? smoothNormals(mesh) : mesh;
}

/** A plain box with hard edges, centred on the origin. */
export function box(width: number, height: number, depth: number): MeshData {
  return roundedBox(width, height, depth, 0);
}
