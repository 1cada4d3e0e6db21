// 2D outlines (counter-clockwise) for extrusions and sweep sections.
import { filletPath } from './sweep.ts';
import type { Vec2 } from './vec.ts';

export function circle2(r: number, segments = 32, cx = 0, cy = 0): Vec2[] {
  const out: Vec2[] = [];
  for (let i = 0; i < segments; i++) {
    const a = (i / segments) * Math.PI * 2;
    out.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return out;
}

export function ellipse2(rx: number, ry: number, segments = 32): Vec2[] {
  return circle2(1, segments).map(([x, y]) => [x * rx, y * ry]);
}

/** |x/a|^n + |y/b|^n = 1: n=2 is an ellipse, larger n approaches a rectangle with soft corners. */
export function superellipse2(a: number, b: number, n: number, segments = 64): Vec2[] {
  const out: Vec2[] = [];
  for (let i = 0; i < segments; i++) {
    const t = (i / segments) * Math.PI * 2;
    const c = Math.cos(t), s = Math.sin(t);
    out.push([a * Math.sign(c) * Math.abs(c) ** (2 / n), b * Math.sign(s) * Math.abs(s) ** (2 / n)]);
  }
  return out;
}

/** Rectangle centred on the origin with corners rounded to radius r (r = 0: sharp corners). */
export function roundedRect2(w: number, h: number, r: number, cornerSegments = 6): Vec2[] {
  const rr = Math.max(0, Math.min(r, w / 2, h / 2));
  const hw = w / 2, hh = h / 2;
  if (rr === 0) return [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]];
  const out: Vec2[] = [];
  const corners: [number, number, number][] = [
    [hw - rr, -hh + rr, -Math.PI / 2], [hw - rr, hh - rr, 0], [-hw + rr, hh - rr, Math.PI / 2], [-hw + rr, -hh + rr, Math.PI],
  ];
  for (const [cx, cy, a0] of corners) {
    for (let k = 0; k <= cornerSegments; k++) {
      const a = a0 + (Math.PI / 2) * (k / cornerSegments);
      out.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
  }
  // Drop points that coincide where a straight side has zero length.
  return out.filter((p, i) => {
    const q = out[(i + 1) % out.length]!;
    return Math.hypot(p[0] - q[0], p[1] - q[1]) > 1e-9;
  });
}

/** Rounds every corner of a closed outline with circular arcs of radius r (clamped to fit short edges). */
export function filletOutline(poly: readonly Vec2[], r: number, steps = 4): Vec2[] {
  return filletPath(poly.map(([x, y]) => [x, y, 0] as [number, number, number]), r, steps, true).map(([x, y]): Vec2 => [x, y]);
}
