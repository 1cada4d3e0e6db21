// Surface of revolution around +Y from a 2D (radius, height) profile: vases, mugs, shades, bowls, legs.
// Profile points run with the material on their left (e.g. bottom centre → outer wall up → rim → inner wall down).
import { emptyMesh, pushVertex, smoothNormals, type MeshData } from './mesh.ts';
import { expandProfile } from './profile.ts';
import type { Vec2 } from './vec.ts';

export interface LatheOptions {
  segments?: number; // around the axis
  sharpDeg?: number; // profile corners sharper than this get a hard edge
  closed?: boolean; // the profile is a loop that does not touch the axis (torus, ring, thin shade)
  /** Reshapes the radius by angle and height (fluting, ovals); normals are then recomputed smoothly. */
  modulate?: (theta: number, y: number, r: number) => number;
}

const AXIS_EPS = 1e-9;

export function lathe(profile: readonly Vec2[], opts: LatheOptions = {}): MeshData {
  const segments = opts.segments ?? 48;
  const { vertices, connect } = expandProfile(profile, opts.closed ?? false, opts.sharpDeg ?? 35);
  for (const v of vertices) if (v.p[0] < -AXIS_EPS) throw new Error('lathe: profile radius must not be negative');
  const mesh = emptyMesh();
  const ring: number[] = []; // first vertex index of each profile vertex's ring
  for (const v of vertices) {
    const pole = v.p[0] <= AXIS_EPS;
    // On the axis the only smooth normal is straight up or down.
    const n: Vec2 = pole ? [0, v.n[1] >= 0 ? 1 : -1] : v.n;
    ring.push(mesh.positions.length / 3);
    for (let k = 0; k <= segments; k++) {
      const theta = (k / segments) * Math.PI * 2;
      const s = Math.sin(theta), c = Math.cos(theta);
      const r = opts.modulate && !pole ? opts.modulate(theta, v.p[1], v.p[0]) : v.p[0];
      pushVertex(mesh, [r * s, v.p[1], r * c], [n[0] * s, n[1], n[0] * c], k / segments, v.s);
    }
  }
  for (let j = 0; j + 1 < vertices.length; j++) {
    if (!connect[j]) continue;
    const poleA = vertices[j]!.p[0] <= AXIS_EPS, poleB = vertices[j + 1]!.p[0] <= AXIS_EPS;
    if (poleA && poleB) continue;
    for (let k = 0; k < segments; k++) {
      const a = ring[j]! + k, b = ring[j]! + k + 1, c = ring[j + 1]! + k + 1, d = ring[j + 1]! + k;
      if (!poleA) mesh.indices.push(a, b, c);
      if (!poleB) mesh.indices.push(a, c, d);
    }
  }
  return opts.modulate ? smoothNormals(mesh) : mesh;
}

/** A solid cylinder (or cone frustum) standing on y=0, with hard edges at both caps. */
export function cylinder(radiusBottom: number, radiusTop: number, height: number, segments = 32): MeshData {
  return lathe(
    [
      [0, 0],
      [radiusBottom, 0],
      [radiusTop, height],
      [0, height],
    ],
    { segments },
  );
}

/** A torus around +Y: ring radius R, tube radius r. */
export function torus(R: number, r: number, segments = 48, tubeSegments = 16): MeshData {
  const profile: Vec2[] = [];
  for (let i = 0; i < tubeSegments; i++) {
    const a = (i / tubeSegments) * Math.PI * 2;
    profile.push([R + r * Math.cos(a), r * Math.sin(a)]);
  }
  return lathe(profile, { segments, closed: true });
}

/** A UV sphere centred on the origin. */
export function sphere(r: number, segments = 32, rings = 16): MeshData {
  const profile: Vec2[] = [];
  for (let i = 0; i <= rings; i++) {
    const a = -Math.PI / 2 + (i / rings) * Math.PI;
    profile.push([Math.max(0, r * Math.cos(a)), r * Math.sin(a)]);
  }
  profile[0] = [0, -r];
  profile[rings] = [0, r];
  return lathe(profile, { segments });
}
