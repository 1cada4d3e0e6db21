// Small reusable parts and deformations shared by the product families.
import { cylinder, lathe } from '../geometry/lathe.ts';
import { deform, place, rotationX, rotationZ, translation, type MeshData } from '../geometry/mesh.ts';
import type { Vec2, Vec3 } from '../geometry/vec.ts';

/** A turned leg standing on y=0: radius r0 at the floor, r1 at the top, softened ends. */
export function turnedLeg(height: number, r0: number, r1: number, segments = 20): MeshData {
  const e = Math.min(r0, r1) * 0.25;
  return lathe(
    [
      [0, 0],
      [r0 - e, 0],
      [r0, e],
      [r1, height - e],
      [r1 - e, height],
      [0, height],
    ],
    { segments, sharpDeg: 50 },
  );
}

/** A horizontal rod along x from x0 to x1 at (y, z). */
export function rodX(x0: number, x1: number, y: number, z: number, r: number, segments = 14): MeshData {
  return place(cylinder(r, r, x1 - x0, segments), rotationZ(-Math.PI / 2), translation(x0, y, z));
}

/** A horizontal rod along z from z0 to z1 at (x, y). */
export function rodZ(z0: number, z1: number, x: number, y: number, r: number, segments = 14): MeshData {
  return place(cylinder(r, r, z1 - z0, segments), rotationX(Math.PI / 2), translation(x, y, z0));
}

/** Bends a mesh so points further from x=0 move back in z (a curved chair back or a wrap-around shelf). */
export function bendZ(mesh: MeshData, k: number): MeshData {
  return deform(mesh, ([x, y, z]) => [x, y, z - k * x * x]);
}

/** Scales x and z by a factor that varies linearly with y between y0 (s0) and y1 (s1): tapers. */
export function taperY(mesh: MeshData, y0: number, y1: number, s0: number, s1: number): MeshData {
  return deform(mesh, ([x, y, z]) => {
    const t = Math.min(1, Math.max(0, (y - y0) / (y1 - y0)));
    const s = s0 + (s1 - s0) * t;
    return [x * s, y, z * s];
  });
}

/** A profile for a disc with rounded edge (tabletop, lid, base): radius R, thickness h, edge radius e. */
export function roundedDiscProfile(R: number, h: number, e: number, steps = 5): Vec2[] {
  const out: Vec2[] = [[0, 0]];
  for (let k = 0; k <= steps; k++) {
    const a = -Math.PI / 2 + (Math.PI / 2) * (k / steps);
    out.push([R - e + e * Math.cos(a), e + e * Math.sin(a)]);
  }
  for (let k = h - 2 * e > 1e-9 ? 0 : 1; k <= steps; k++) {
    const a = (Math.PI / 2) * (k / steps);
    out.push([R - e + e * Math.cos(a), h - e + e * Math.sin(a)]);
  }
  out.push([0, h]);
  return out;
}

export const v3 = (x: number, y: number, z: number): Vec3 => [x, y, z];

/** A thin-walled open shell of revolution (shade): outer profile from rim upwards, wall thickness t inwards. */
export function shell(outer: readonly Vec2[], t: number, segments: number): MeshData {
  // Inner wall: each outer point moved inwards along the profile normal, traversed back down; the loop closes at the rims.
  const inner: Vec2[] = outer.map((p, i) => {
    const a = outer[Math.max(0, i - 1)]!, b = outer[Math.min(outer.length - 1, i + 1)]!;
    const dx = b[0] - a[0], dy = b[1] - a[1];
    const l = Math.hypot(dx, dy) || 1;
    return [Math.max(0, p[0] + (-dy / l) * t), p[1] + (dx / l) * t];
  });
  return lathe([...outer, ...inner.reverse()], { segments, closed: true, sharpDeg: 60 });
}
