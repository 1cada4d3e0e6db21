// Turns a 2D polyline into surface vertices with 2D normals: corners sharper than a threshold are split into two
// vertices (hard edge), gentler ones share one averaged normal (smooth). Lathe, sweep and extrude build on this.
import { normalize2, type Vec2 } from './vec.ts';

export interface ProfileVertex {
  p: Vec2;
  n: Vec2; // unit outward normal, (dy, -dx) of the travel direction: material lies on the left
  s: number; // arc length from the start, 0..1
  i: number; // index of the input point it came from
}

export interface ExpandedProfile {
  vertices: ProfileVertex[];
  /** connect[i] is true when vertices i and i+1 bound a surface strip. */
  connect: boolean[];
}

export function expandProfile(points: readonly Vec2[], closed: boolean, sharpDeg = 35): ExpandedProfile {
  const pts = closed ? [...points, points[0]!] : [...points];
  if (pts.length < 2) throw new Error('profile: needs at least two points');
  const segN: Vec2[] = [];
  const segLen: number[] = [];
  let total = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!, b = pts[i + 1]!;
    const d = normalize2([b[0] - a[0], b[1] - a[1]]);
    segN.push([d[1], -d[0]]);
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    segLen.push(len);
    total += len;
  }
  const cosSharp = Math.cos((sharpDeg * Math.PI) / 180);
  const nSeg = segN.length;
  // Normal used by segment `seg` at its start (end=false) or end (end=true) vertex.
  const normalAt = (seg: number, end: boolean): Vec2 => {
    const other = end ? seg + 1 : seg - 1;
    const wrapped = closed ? (other + nSeg) % nSeg : other;
    if (wrapped < 0 || wrapped >= nSeg) return segN[seg]!;
    const a = segN[seg]!, b = segN[wrapped]!;
    if (a[0] * b[0] + a[1] * b[1] < cosSharp) return a; // sharp: each side keeps its own normal
    return normalize2([a[0] + b[0], a[1] + b[1]]);
  };
  const isSharp = (seg: number): boolean => {
    // corner at the start of segment `seg`
    const prev = closed ? (seg - 1 + nSeg) % nSeg : seg - 1;
    if (prev < 0) return true;
    const a = segN[seg]!, b = segN[prev]!;
    return a[0] * b[0] + a[1] * b[1] < cosSharp;
  };
  const vertices: ProfileVertex[] = [];
  const connect: boolean[] = [];
  let s = 0;
  for (let i = 0; i < nSeg; i++) {
    if (i === 0 || isSharp(i)) {
      if (vertices.length > 0) connect[vertices.length - 1] = false;
      vertices.push({ p: pts[i]!, n: normalAt(i, false), s: total > 0 ? s / total : 0, i });
    }
    s += segLen[i]!;
    connect[vertices.length - 1] = true;
    vertices.push({ p: pts[i + 1]!, n: normalAt(i, true), s: total > 0 ? s / total : 1, i: (i + 1) % points.length });
  }
  connect[vertices.length - 1] = false;
  return { vertices, connect };
}

/** Signed area (positive when counter-clockwise). */
export function signedArea(poly: readonly Vec2[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!, q = poly[(i + 1) % poly.length]!;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

/** Ear-clipping triangulation of a simple polygon; returns CCW index triples into poly. */
export function triangulate(poly: readonly Vec2[]): number[] {
  const idx = poly.map((_, i) => i);
  if (signedArea(poly) < 0) idx.reverse();
  const out: number[] = [];
  const cross2 = (o: Vec2, a: Vec2, b: Vec2): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  let guard = 0;
  while (idx.length > 3 && guard++ < 100000) {
    let clipped = false;
    for (let i = 0; i < idx.length; i++) {
      const ia = idx[(i - 1 + idx.length) % idx.length]!, ib = idx[i]!, ic = idx[(i + 1) % idx.length]!;
      const a = poly[ia]!, b = poly[ib]!, c = poly[ic]!;
      const area = cross2(a, b, c);
      if (area <= 1e-14) continue; // reflex or degenerate corner is not an ear
      let inside = false;
      for (const j of idx) {
        if (j === ia || j === ib || j === ic) continue;
        const p = poly[j]!;
        if (cross2(a, b, p) >= 0 && cross2(b, c, p) >= 0 && cross2(c, a, p) >= 0) {
          inside = true;
          break;
        }
      }
      if (inside) continue;
      out.push(ia, ib, ic);
      idx.splice(i, 1);
      clipped = true;
      break;
    }
    if (!clipped) {
      // Only collinear leftovers remain: drop the flattest vertex instead of emitting a sliver.
      let best = 0, bestArea = Infinity;
      for (let i = 0; i < idx.length; i++) {
        const a = poly[idx[(i - 1 + idx.length) % idx.length]!]!, b = poly[idx[i]!]!, c = poly[idx[(i + 1) % idx.length]!]!;
        const ar = Math.abs(cross2(a, b, c));
        if (ar < bestArea) (bestArea = ar), (best = i);
      }
      idx.splice(best, 1);
    }
  }
  if (idx.length === 3) {
    const [a, b, c] = idx as [number, number, number];
    if (Math.abs(cross2(poly[a]!, poly[b]!, poly[c]!)) > 1e-14) out.push(a, b, c);
  }
  return out;
}
