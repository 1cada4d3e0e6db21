// Extrudes a counter-clockwise 2D outline (x, y) along z, centred on z=0, optionally with rounded (bevelled) edges.
import { emptyMesh, pushVertex, type MeshData } from './mesh.ts';
import { expandProfile, signedArea, triangulate } from './profile.ts';
import { normalize2, type Vec2 } from './vec.ts';

export interface ExtrudeOptions {
  bevel?: number; // radius of the rounded edge between sides and caps (0 = hard edge)
  bevelSegments?: number;
  sharpDeg?: number; // outline corners sharper than this get a hard vertical edge
}

/** Unit inward offset direction per outline point, scaled so edges move by 1 (mitre). */
function mitres(poly: readonly Vec2[]): Vec2[] {
  const n = poly.length;
  const out: Vec2[] = [];
  for (let i = 0; i < n; i++) {
    const p = poly[i]!, prev = poly[(i - 1 + n) % n]!, next = poly[(i + 1) % n]!;
    const da = normalize2([p[0] - prev[0], p[1] - prev[1]]), db = normalize2([next[0] - p[0], next[1] - p[1]]);
    const na: Vec2 = [da[1], -da[0]], nb: Vec2 = [db[1], -db[0]];
    const m = normalize2([na[0] + nb[0], na[1] + nb[1]]);
    const len = 1 / Math.max(0.35, m[0] * na[0] + m[1] * na[1]);
    out.push([-m[0] * len, -m[1] * len]);
  }
  return out;
}

export function extrude(outline: readonly Vec2[], depth: number, opts: ExtrudeOptions = {}): MeshData {
  const poly = signedArea(outline) < 0 ? [...outline].reverse() : [...outline];
  const r = Math.min(opts.bevel ?? 0, depth / 2);
  const bs = r > 0 ? (opts.bevelSegments ?? 4) : 0;
  const { vertices, connect } = expandProfile(poly, true, opts.sharpDeg ?? 35);
  const mit = mitres(poly);
  const h = depth / 2;
  // Rings of the side wall from bottom to top: z, inset, and the angle of the normal out of the outline plane.
  const rings: { z: number; inset: number; phi: number }[] = [];
  if (r > 0) {
    for (let k = 0; k <= bs; k++) {
      const phi = -Math.PI / 2 + (Math.PI / 2) * (k / bs);
      rings.push({ z: -h + r + r * Math.sin(phi), inset: r * (1 - Math.cos(phi)), phi });
    }
    for (let k = 0; k <= bs; k++) {
      const phi = (Math.PI / 2) * (k / bs);
      if (k === 0 && depth - 2 * r < 1e-9) continue; // no straight band when the bevels meet
      rings.push({ z: h - r + r * Math.sin(phi), inset: r * (1 - Math.cos(phi)), phi });
    }
  } else {
    rings.push({ z: -h, inset: 0, phi: 0 }, { z: h, inset: 0, phi: 0 });
  }
  const mesh = emptyMesh();
  const at = (i: number, inset: number): Vec2 => [poly[i]![0] + mit[i]![0] * inset, poly[i]![1] + mit[i]![1] * inset];
  const rowStart: number[] = [];
  for (const ring of rings) {
    rowStart.push(mesh.positions.length / 3);
    const c = Math.cos(ring.phi), s = Math.sin(ring.phi);
    for (const v of vertices) {
      const p = at(v.i, ring.inset);
      pushVertex(mesh, [p[0], p[1], ring.z], [v.n[0] * c, v.n[1] * c, s], v.s, (ring.z + h) / depth);
    }
  }
  const m = vertices.length;
  for (let k = 0; k + 1 < rings.length; k++) {
    for (let j = 0; j + 1 < m; j++) {
      if (!connect[j]) continue;
      const a = rowStart[k]! + j, b = rowStart[k]! + j + 1, c = rowStart[k + 1]! + j + 1, d = rowStart[k + 1]! + j;
      mesh.indices.push(a, b, c, a, c, d);
    }
  }
  const capPoly = poly.map((_, i) => at(i, r));
  const tris = triangulate(capPoly);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of capPoly) (minX = Math.min(minX, p[0])), (maxX = Math.max(maxX, p[0])), (minY = Math.min(minY, p[1])), (maxY = Math.max(maxY, p[1]));
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  for (const side of [-1, 1]) {
    const base = mesh.positions.length / 3;
    for (const p of capPoly) pushVertex(mesh, [p[0], p[1], side * h], [0, 0, side], (p[0] - minX) / span, (p[1] - minY) / span);
    for (let k = 0; k < tris.length; k += 3) {
      const a = base + tris[k]!, b = base + tris[k + 1]!, c = base + tris[k + 2]!;
      if (side > 0) mesh.indices.push(a, b, c);
      else mesh.indices.push(a, c, b);
    }
  }
  return mesh;
}
