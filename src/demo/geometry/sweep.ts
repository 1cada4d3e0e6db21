// Sweeps a 2D cross-section along a 3D path (tubes, straps, bent frames, handles) with rotation-minimising frames.
import { emptyMesh, pushVertex, type MeshData } from './mesh.ts';
import { expandProfile, triangulate } from './profile.ts';
import { add, cross, dot, length, normalize, rotateAround, scale, sub, type Vec2, type Vec3 } from './vec.ts';

export interface SweepOptions {
  radius?: number; // circular section radius (ignored when shape is given)
  shape?: readonly Vec2[]; // counter-clockwise section in the (normal, binormal) plane
  segments?: number; // sides of the circular section
  closed?: boolean; // the path is a loop
  caps?: boolean; // flat end caps on an open path (default true)
  /** Section scale along the path, t in 0..1 (tapers). */
  taper?: (t: number) => number;
  /** Hint for the section's first normal: the section's x axis points as close to this as possible. */
  up?: Vec3;
  sharpDeg?: number;
}

export function circleShape(r: number, segments = 16): Vec2[] {
  const out: Vec2[] = [];
  for (let i = 0; i < segments; i++) {
    const a = (i / segments) * Math.PI * 2;
    out.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return out;
}

/** Parallel-transport frames: the section does not twist around the path except to close a loop. */
function frames(path: readonly Vec3[], closed: boolean, up: Vec3 | undefined): { T: Vec3[]; N: Vec3[]; B: Vec3[] } {
  const n = path.length;
  const T: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const prev = closed ? path[(i - 1 + n) % n]! : path[Math.max(0, i - 1)]!;
    const next = closed ? path[(i + 1) % n]! : path[Math.min(n - 1, i + 1)]!;
    T.push(normalize(sub(next, prev), [0, 0, 1]));
  }
  const t0 = T[0]!;
  let hint: Vec3 = up ?? (Math.abs(t0[1]) < 0.9 ? [0, 1, 0] : [1, 0, 0]);
  if (Math.abs(dot(normalize(hint), t0)) > 0.999) hint = Math.abs(t0[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
  const N: Vec3[] = [normalize(sub(hint, scale(t0, dot(hint, t0))))];
  for (let i = 1; i < n; i++) {
    const a = T[i - 1]!, b = T[i]!;
    const axis = cross(a, b);
    const l = length(axis);
    let v = N[i - 1]!;
    if (l > 1e-9) v = rotateAround(v, scale(axis, 1 / l), Math.atan2(l, dot(a, b)));
    N.push(normalize(sub(v, scale(b, dot(v, b)))));
  }
  if (closed && n > 2) {
    // Spread the holonomy twist evenly so the loop's last frame meets the first.
    const a = T[n - 1]!, b = T[0]!;
    const axis = cross(a, b);
    const l = length(axis);
    let v = N[n - 1]!;
    if (l > 1e-9) v = rotateAround(v, scale(axis, 1 / l), Math.atan2(l, dot(a, b)));
    const twist = Math.atan2(dot(cross(v, N[0]!), b), dot(v, N[0]!));
    for (let i = 1; i < n; i++) N[i] = rotateAround(N[i]!, T[i]!, (twist * i) / n);
  }
  const B = T.map((t, i) => cross(t, N[i]!));
  return { T, N, B };
}

export function sweep(path: readonly Vec3[], opts: SweepOptions = {}): MeshData {
  if (path.length < 2) throw new Error('sweep: path needs at least two points');
  const closed = opts.closed ?? false;
  const shape = opts.shape ?? circleShape(opts.radius ?? 0.01, opts.segments ?? 16);
  const { vertices, connect } = expandProfile(shape, true, opts.sharpDeg ?? 35);
  const { T, N, B } = frames(path, closed, opts.up);
  const pts = closed ? [...path, path[0]!] : [...path];
  const idx = (i: number): number => (closed ? i % path.length : i);
  const arc: number[] = [0];
  for (let i = 1; i < pts.length; i++) arc.push(arc[i - 1]! + length(sub(pts[i]!, pts[i - 1]!)));
  const total = arc[arc.length - 1]! || 1;
  const mesh = emptyMesh();
  const rows: number[] = [];
  for (let i = 0; i < pts.length; i++) {
    const t = arc[i]! / total;
    const s = opts.taper ? opts.taper(t) : 1;
    const n = N[idx(i)]!, b = B[idx(i)]!, p = pts[i]!;
    rows.push(mesh.positions.length / 3);
    for (const v of vertices) {
      const pos = add(p, add(scale(n, v.p[0] * s), scale(b, v.p[1] * s)));
      const nor = normalize(add(scale(n, v.n[0]), scale(b, v.n[1])));
      pushVertex(mesh, pos, nor, t, v.s);
    }
  }
  const m = vertices.length;
  for (let i = 0; i + 1 < pts.length; i++) {
    for (let j = 0; j + 1 < m; j++) {
      if (!connect[j]) continue;
      const a = rows[i]! + j, b = rows[i]! + j + 1, c = rows[i + 1]! + j + 1, d = rows[i + 1]! + j;
      mesh.indices.push(a, c, d, a, b, c);
    }
  }
  if (!closed && (opts.caps ?? true)) {
    const tris = triangulate(shape);
    for (const end of [0, pts.length - 1]) {
      const t = arc[end]! / total;
      const s = opts.taper ? opts.taper(t) : 1;
      const n = N[end]!, b = B[end]!, p = pts[end]!;
      const facing = end === 0 ? scale(T[0]!, -1) : T[end]!;
      const base = mesh.positions.length / 3;
      for (const q of shape) pushVertex(mesh, add(p, add(scale(n, q[0] * s), scale(b, q[1] * s))), facing, 0.5 + q[0] * 5, 0.5 + q[1] * 5);
      for (let k = 0; k < tris.length; k += 3) {
        const a = base + tris[k]!, bb = base + tris[k + 1]!, c = base + tris[k + 2]!;
        // The section is CCW in (N, B) and N × B = T, so it faces +T as given; flip it for the start cap.
        if (end === 0) mesh.indices.push(a, c, bb);
        else mesh.indices.push(a, bb, c);
      }
    }
  }
  return mesh;
}

// ---- Path helpers -------------------------------------------------------------------------------------------

/** Points on a circular arc in the plane spanned by unit vectors u and v around centre. */
export function arcPath(centre: Vec3, radius: number, u: Vec3, v: Vec3, a0: number, a1: number, steps: number): Vec3[] {
  const out: Vec3[] = [];
  for (let i = 0; i <= steps; i++) {
    const a = a0 + ((a1 - a0) * i) / steps;
    out.push(add(centre, add(scale(u, radius * Math.cos(a)), scale(v, radius * Math.sin(a)))));
  }
  return out;
}

/** A polyline whose corners are replaced by circular fillets of the given radius (bent-tube furniture). */
export function filletPath(corners: readonly Vec3[], radius: number, stepsPerCorner = 8, closed = false): Vec3[] {
  const n = corners.length;
  const out: Vec3[] = [];
  for (let i = 0; i < n; i++) {
    const p = corners[i]!;
    const hasPrev = closed || i > 0, hasNext = closed || i < n - 1;
    if (!hasPrev || !hasNext) {
      out.push(p);
      continue;
    }
    const prev = corners[(i - 1 + n) % n]!, next = corners[(i + 1) % n]!;
    const d0 = normalize(sub(prev, p)), d1 = normalize(sub(next, p));
    const cosA = dot(d0, d1);
    const half = Math.acos(Math.max(-1, Math.min(1, cosA))) / 2;
    if (half > Math.PI / 2 - 1e-3) {
      out.push(p);
      continue;
    }
    const maxCut = Math.min(length(sub(prev, p)), length(sub(next, p))) * 0.49;
    const cut = Math.min(radius / Math.tan(half), maxCut);
    const r = cut * Math.tan(half);
    const a = add(p, scale(d0, cut)), b = add(p, scale(d1, cut));
    const centre = add(p, scale(normalize(add(d0, d1)), r / Math.sin(half)));
    const u = normalize(sub(a, centre)), w = normalize(sub(b, centre));
    const total = Math.acos(Math.max(-1, Math.min(1, dot(u, w))));
    const axis = normalize(cross(u, w));
    for (let k = 0; k <= stepsPerCorner; k++) out.push(add(centre, scale(rotateAround(u, axis, (total * k) / stepsPerCorner), r)));
  }
  return out;
}

/** Catmull-Rom spline through the control points, `steps` samples per span. */
export function splinePath(points: readonly Vec3[], steps = 8, closed = false): Vec3[] {
  const n = points.length;
  const at = (i: number): Vec3 => (closed ? points[((i % n) + n) % n]! : points[Math.max(0, Math.min(n - 1, i))]!);
  const spans = closed ? n : n - 1;
  const out: Vec3[] = [];
  for (let i = 0; i < spans; i++) {
    const p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
    for (let k = 0; k < steps; k++) {
      const t = k / steps, t2 = t * t, t3 = t2 * t;
      const c = (a: number, b: number, cc: number, d: number): number =>
        0.5 * (2 * b + (-a + cc) * t + (2 * a - 5 * b + 4 * cc - d) * t2 + (-a + 3 * b - 3 * cc + d) * t3);
      out.push([c(p0[0], p1[0], p2[0], p3[0]), c(p0[1], p1[1], p2[1], p3[1]), c(p0[2], p1[2], p2[2], p3[2])]);
    }
  }
  if (!closed) out.push(points[n - 1]!);
  return out;
}
