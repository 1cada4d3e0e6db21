// A small deferred software rasterizer that renders a product's glTF Document to a poster image in Node:
// z-buffered triangles, a perspective 3/4 camera fitted to the model, a key light with a shadow map plus fill,
// rim and a studio environment for reflections, a soft contact shadow on a light seamless backdrop, 2x2
// supersampling, WebP out through sharp. Deterministic: the same Document gives the same pixels.
import sharp from 'sharp';
import type { Document } from '@gltf-transform/core';

export interface PosterView {
  azimuth?: number; // degrees, 0 = looking at the front (+Z side), positive turns the camera towards +X
  elevation?: number; // degrees above the horizon
  fov?: number; // vertical field of view, degrees
  fill?: number; // fraction of the frame the model's larger extent fills
}

export interface PosterOptions extends PosterView {
  size?: number; // output pixels per side
  supersample?: number;
}

export interface PosterPixels {
  width: number;
  height: number;
  rgb: Uint8Array; // sRGB, 3 bytes per pixel
}

interface Shading {
  base: [number, number, number]; // linear
  metallic: number;
  roughness: number;
}

interface Geometry {
  pos: Float32Array; // world xyz per vertex
  nor: Float32Array;
  tris: Uint32Array; // vertex indices
  triMat: Uint16Array;
  materials: Shading[];
  min: [number, number, number];
  max: [number, number, number];
}

type V3 = [number, number, number];
const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: V3): V3 => {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / l, a[1] / l, a[2] / l];
};
const fromAngles = (azDeg: number, elDeg: number): V3 => {
  const az = (azDeg * Math.PI) / 180, el = (elDeg * Math.PI) / 180;
  return [Math.cos(el) * Math.sin(az), Math.sin(el), Math.cos(el) * Math.cos(az)];
};

/** Flattens the default scene into world-space triangle soup with one shading record per material. */
function collect(doc: Document): Geometry {
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  if (!scene) throw new Error('poster: the document has no scene');
  const pos: number[] = [], nor: number[] = [], tris: number[] = [], triMat: number[] = [];
  const materials: Shading[] = [];
  const matIndex = new Map<object, number>();
  scene.traverse((node) => {
    const mesh = node.getMesh();
    if (!mesh) return;
    const w = node.getWorldMatrix(); // column-major; normals use its linear part (our models only translate/rotate)
    for (const prim of mesh.listPrimitives()) {
      const P = prim.getAttribute('POSITION')?.getArray();
      const N = prim.getAttribute('NORMAL')?.getArray();
      const I = prim.getIndices()?.getArray();
      if (!P || !N || !I) continue;
      const mat = prim.getMaterial();
      let mi = mat ? matIndex.get(mat) : undefined;
      if (mi === undefined) {
        const f = mat?.getBaseColorFactor() ?? [0.8, 0.8, 0.8, 1];
        mi = materials.length;
        materials.push({ base: [f[0]!, f[1]!, f[2]!], metallic: mat?.getMetallicFactor() ?? 0, roughness: mat?.getRoughnessFactor() ?? 0.8 });
        if (mat) matIndex.set(mat, mi);
      }
      const base = pos.length / 3;
      for (let i = 0; i < P.length; i += 3) {
        const x = P[i]!, y = P[i + 1]!, z = P[i + 2]!;
        pos.push(w[0] * x + w[4] * y + w[8] * z + w[12], w[1] * x + w[5] * y + w[9] * z + w[13], w[2] * x + w[6] * y + w[10] * z + w[14]);
        const n = norm([w[0] * N[i]! + w[4] * N[i + 1]! + w[8] * N[i + 2]!, w[1] * N[i]! + w[5] * N[i + 1]! + w[9] * N[i + 2]!, w[2] * N[i]! + w[6] * N[i + 1]! + w[10] * N[i + 2]!]);
        nor.push(n[0], n[1], n[2]);
      }
      for (let i = 0; i < I.length; i += 3) {
        tris.push(base + I[i]!, base + I[i + 1]!, base + I[i + 2]!);
        triMat.push(mi);
      }
    }
  });
  if (tris.length === 0) throw new Error('poster: the scene has no triangles');
  const min: V3 = [Infinity, Infinity, Infinity], max: V3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < pos.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      min[k] = Math.min(min[k]!, pos[i + k]!);
      max[k] = Math.max(max[k]!, pos[i + k]!);
    }
  }
  return { pos: new Float32Array(pos), nor: new Float32Array(nor), tris: new Uint32Array(tris), triMat: new Uint16Array(triMat), materials, min, max };
}

/**
 * Scan-converts triangles given per-vertex screen x, y and a depth key (larger = nearer), keeping the largest
 * key per pixel and, when `id` is given, the index of the triangle that wrote it.
 */
function scan(W: number, H: number, sx: Float32Array, sy: Float32Array, key: Float32Array, tris: Uint32Array, depth: Float32Array, id: Int32Array | null): void {
  for (let t = 0; t < tris.length / 3; t++) {
    const i0 = tris[t * 3]!, i1 = tris[t * 3 + 1]!, i2 = tris[t * 3 + 2]!;
    const x0 = sx[i0]!, y0 = sy[i0]!, x1 = sx[i1]!, y1 = sy[i1]!, x2 = sx[i2]!, y2 = sy[i2]!;
    const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    if (Math.abs(area) < 1e-12) continue;
    const inv = 1 / area;
    const minX = Math.max(0, Math.floor(Math.min(x0, x1, x2))), maxX = Math.min(W - 1, Math.ceil(Math.max(x0, x1, x2)));
    const minY = Math.max(0, Math.floor(Math.min(y0, y1, y2))), maxY = Math.min(H - 1, Math.ceil(Math.max(y0, y1, y2)));
    const k0 = key[i0]!, k1 = key[i1]!, k2 = key[i2]!;
    // Barycentrics are affine in x: evaluate at the row start, then step by a constant per pixel.
    const dl0x = -(y2 - y1) * inv, dl1x = -(y0 - y2) * inv;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5;
      const px0 = minX + 0.5;
      let l0 = ((x1 - px0) * (y2 - py) - (x2 - px0) * (y1 - py)) * inv;
      let l1 = ((x2 - px0) * (y0 - py) - (x0 - px0) * (y2 - py)) * inv;
      let row = y * W + minX;
      for (let x = minX; x <= maxX; x++, row++, l0 += dl0x, l1 += dl1x) {
        const l2 = 1 - l0 - l1;
        if (l0 < 0 || l1 < 0 || l2 < 0) continue;
        const k = l0 * k0 + l1 * k1 + l2 * k2;
        if (k <= depth[row]!) continue;
        depth[row] = k;
        if (id) id[row] = t;
      }
    }
  }
}

/** Separable box blur, repeated: a cheap Gaussian for the contact-shadow map. */
function blur(map: Float32Array, W: number, H: number, radius: number, passes: number): void {
  const tmp = new Float32Array(map.length);
  for (let pass = 0; pass < passes; pass++) {
    for (const horizontal of [true, false]) {
      const src = horizontal ? map : tmp, dst = horizontal ? tmp : map;
      const lines = horizontal ? H : W, len = horizontal ? W : H;
      for (let l = 0; l < lines; l++) {
        const at = (i: number): number => (horizontal ? l * W + i : i * W + l);
        let sum = 0;
        for (let i = -radius; i <= radius; i++) sum += src[at(Math.min(len - 1, Math.max(0, i)))]!;
        for (let i = 0; i < len; i++) {
          dst[at(i)] = sum / (2 * radius + 1);
          sum += src[at(Math.min(len - 1, i + radius + 1))]! - src[at(Math.max(0, i - radius))]!;
        }
      }
    }
  }
}

// Linear up to the knee, then a soft shoulder: keeps albedo colours true while taming highlights.
const KNEE = 0.75;
const tone = (x: number): number => (x <= KNEE ? Math.max(0, x) : KNEE + (1 - KNEE) * (1 - Math.exp(-(x - KNEE) / (1 - KNEE))));
const toSrgb = (c: number): number => Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055));
const LUT_MAX = 8191;
const SRGB_LUT = Uint8Array.from({ length: LUT_MAX + 1 }, (_, i) => toSrgb(i / LUT_MAX));
const lin = (c: number): number => ((c / 255 + 0.055) / 1.055) ** 2.4;
const smooth = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

const BACKDROP: V3 = [lin(242), lin(240), lin(237)];
const EXPOSURE = 0.8;

export function renderPosterPixels(doc: Document, opts: PosterOptions = {}): PosterPixels {
  const size = opts.size ?? 768;
  const ss = opts.supersample ?? 2;
  const S = size * ss;
  const g = collect(doc);
  const nv = g.pos.length / 3;
  const nt = g.tris.length / 3;

  // --- Camera: a 3/4 view, then a 2D zoom/shift so the projected model fills `fill` of the frame, centred.
  const azimuth = opts.azimuth ?? 35, elevation = opts.elevation ?? 20;
  const F = 1 / Math.tan((((opts.fov ?? 30) * Math.PI) / 180) / 2);
  const centre: V3 = [(g.min[0] + g.max[0]) / 2, (g.min[1] + g.max[1]) / 2, (g.min[2] + g.max[2]) / 2];
  const radius = Math.hypot(g.max[0] - g.min[0], g.max[1] - g.min[1], g.max[2] - g.min[2]) / 2;
  const dir = fromAngles(azimuth, elevation);
  const dist = radius * F * 1.15 + radius;
  const eye: V3 = [centre[0] + dir[0] * dist, centre[1] + dir[1] * dist, centre[2] + dir[2] * dist];
  const fwd: V3 = [-dir[0], -dir[1], -dir[2]];
  const right = norm(cross(fwd, [0, 1, 0]));
  const up = cross(right, fwd);
  const ndcX = new Float32Array(nv), ndcY = new Float32Array(nv), invZ = new Float32Array(nv);
  let nx0 = Infinity, nx1 = -Infinity, ny0 = Infinity, ny1 = -Infinity;
  for (let i = 0; i < nv; i++) {
    const d: V3 = [g.pos[i * 3]! - eye[0], g.pos[i * 3 + 1]! - eye[1], g.pos[i * 3 + 2]! - eye[2]];
    const z = dot(d, fwd);
    const x = (dot(d, right) / z) * F, y = (dot(d, up) / z) * F;
    ndcX[i] = x;
    ndcY[i] = y;
    invZ[i] = 1 / z;
    nx0 = Math.min(nx0, x), nx1 = Math.max(nx1, x), ny0 = Math.min(ny0, y), ny1 = Math.max(ny1, y);
  }
  const zoom = (2 * (opts.fill ?? 0.8)) / Math.max(nx1 - nx0, ny1 - ny0);
  const cx = (nx0 + nx1) / 2, cy = (ny0 + ny1) / 2;
  const sx = new Float32Array(nv), sy = new Float32Array(nv);
  for (let i = 0; i < nv; i++) {
    sx[i] = (zoom * (ndcX[i]! - cx) + 1) * (S / 2);
    sy[i] = (1 - zoom * (ndcY[i]! - cy)) * (S / 2);
  }
  const depth = new Float32Array(S * S).fill(-Infinity);
  const triId = new Int32Array(S * S).fill(-1);
  scan(S, S, sx, sy, invZ, g.tris, depth, triId);

  // --- Lights, relative to the camera so every poster is lit the same way.
  const keyL = fromAngles(azimuth - 55, 52), fillL = fromAngles(azimuth + 75, 18), rimL = fromAngles(azimuth + 165, 38);

  // --- Key-light shadow map (orthographic along the key light).
  const SM = 768;
  const lz: V3 = [-keyL[0], -keyL[1], -keyL[2]];
  const lx = norm(cross([0, 1, 0], lz)), ly = cross(lz, lx);
  const lu = new Float32Array(nv), lv = new Float32Array(nv), ld = new Float32Array(nv);
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < nv; i++) {
    const p: V3 = [g.pos[i * 3]!, g.pos[i * 3 + 1]!, g.pos[i * 3 + 2]!];
    lu[i] = dot(p, lx);
    lv[i] = dot(p, ly);
    ld[i] = -dot(p, lz); // larger = nearer the light, matching scan's depth test
    u0 = Math.min(u0, lu[i]!), u1 = Math.max(u1, lu[i]!), v0 = Math.min(v0, lv[i]!), v1 = Math.max(v1, lv[i]!);
  }
  const span = Math.max(u1 - u0, v1 - v0) * 1.04 + 1e-6;
  const uc = (u0 + u1) / 2, vc = (v0 + v1) / 2;
  const texel = span / SM;
  const smx = new Float32Array(nv), smy = new Float32Array(nv);
  for (let i = 0; i < nv; i++) {
    smx[i] = ((lu[i]! - uc) / span + 0.5) * SM;
    smy[i] = ((lv[i]! - vc) / span + 0.5) * SM;
  }
  const shadowDepth = new Float32Array(SM * SM).fill(-Infinity);
  scan(SM, SM, smx, smy, ld, g.tris, shadowDepth, null);
  /** Fraction of light reaching world point p (PCF over (2k+1)² taps spaced `step` texels). */
  const lightAt = (px: number, py: number, pz: number, bias: number, k: number, step: number): number => {
    const mx = ((px * lx[0] + py * lx[1] + pz * lx[2] - uc) / span + 0.5) * SM, my = ((px * ly[0] + py * ly[1] + pz * ly[2] - vc) / span + 0.5) * SM;
    const d = -(px * lz[0] + py * lz[1] + pz * lz[2]) + bias;
    let lit = 0, n = 0;
    for (let j = -k; j <= k; j++) {
      for (let i = -k; i <= k; i++) {
        const x = Math.floor(mx + i * step), y = Math.floor(my + j * step);
        n++;
        if (x < 0 || y < 0 || x >= SM || y >= SM || d >= shadowDepth[y * SM + x]!) lit++;
      }
    }
    return lit / n;
  };

  // --- Floor shading map (top-down): contact shadow from geometry near the floor, blurred like ambient
  // occlusion, plus the key light's cast shadow, precomputed once so background pixels only do a lookup.
  const CM = 256;
  const height = g.max[1] - g.min[1];
  const falloff = Math.min(0.12, Math.max(0.012, height * 0.22));
  let gx0 = g.min[0], gx1 = g.max[0], gz0 = g.min[2], gz1 = g.max[2];
  for (const x of [g.min[0], g.max[0]]) {
    for (const z of [g.min[2], g.max[2]]) {
      // Where the top corners' shadows land on the floor.
      const s = (g.max[1] - g.min[1]) / keyL[1];
      gx0 = Math.min(gx0, x - keyL[0] * s), gx1 = Math.max(gx1, x - keyL[0] * s);
      gz0 = Math.min(gz0, z - keyL[2] * s), gz1 = Math.max(gz1, z - keyL[2] * s);
    }
  }
  const ext = Math.max(gx1 - gx0, gz1 - gz0) * 1.3 + 0.02;
  const cxm = (gx0 + gx1) / 2, czm = (gz0 + gz1) / 2;
  const floorShade = new Float32Array(CM * CM);
  {
    const tx = new Float32Array(nv), ty = new Float32Array(nv), weight = new Float32Array(nv);
    for (let i = 0; i < nv; i++) {
      tx[i] = ((g.pos[i * 3]! - cxm) / ext + 0.5) * CM;
      ty[i] = ((g.pos[i * 3 + 2]! - czm) / ext + 0.5) * CM;
      weight[i] = Math.exp(-(g.pos[i * 3 + 1]! - g.min[1]) / falloff);
    }
    const occ = new Float32Array(CM * CM).fill(-Infinity);
    scan(CM, CM, tx, ty, weight, g.tris, occ, null);
    const contact = new Float32Array(CM * CM);
    for (let i = 0; i < occ.length; i++) contact[i] = occ[i]! > 0 ? occ[i]! : 0;
    blur(contact, CM, CM, Math.max(1, Math.round((CM * falloff * 0.5) / ext)), 3);
    const cast = new Float32Array(CM * CM);
    for (let j = 0; j < CM; j++) {
      for (let i = 0; i < CM; i++) {
        cast[j * CM + i] = 1 - lightAt(cxm + ((i + 0.5) / CM - 0.5) * ext, g.min[1], czm + ((j + 0.5) / CM - 0.5) * ext, texel * 2, 1, 1);
      }
    }
    blur(cast, CM, CM, Math.max(1, Math.round(CM * 0.006)), 2);
    for (let i = 0; i < floorShade.length; i++) floorShade[i] = 1 - 0.62 * Math.min(1, contact[i]!) - 0.2 * cast[i]!;
  }
  const floorAt = (x: number, z: number): number => {
    const u = ((x - cxm) / ext + 0.5) * CM - 0.5, v = ((z - czm) / ext + 0.5) * CM - 0.5;
    const i = Math.floor(u), j = Math.floor(v);
    if (i < 0 || j < 0 || i >= CM - 1 || j >= CM - 1) return 1;
    const fu = u - i, fv = v - j;
    const a = floorShade[j * CM + i]!, b = floorShade[j * CM + i + 1]!, c = floorShade[(j + 1) * CM + i]!, d = floorShade[(j + 1) * CM + i + 1]!;
    return (a * (1 - fu) + b * fu) * (1 - fv) + (c * (1 - fu) + d * fu) * fv;
  };

  // Face normals, for deciding which side of a surface the camera sees.
  const faceN = new Float32Array(nt * 3);
  for (let t = 0; t < nt; t++) {
    const a = g.tris[t * 3]! * 3, b = g.tris[t * 3 + 1]! * 3, c = g.tris[t * 3 + 2]! * 3;
    const e1: V3 = [g.pos[b]! - g.pos[a]!, g.pos[b + 1]! - g.pos[a + 1]!, g.pos[b + 2]! - g.pos[a + 2]!];
    const e2: V3 = [g.pos[c]! - g.pos[a]!, g.pos[c + 1]! - g.pos[a + 1]!, g.pos[c + 2]! - g.pos[a + 2]!];
    const n = norm(cross(e1, e2));
    faceN.set(n, t * 3);
  }

  // Studio environment seen in reflections: a bright overhead softbox, grey walls, a dim floor and the key
  // light's box; it blurs toward its mean as roughness grows. Gives metals and glazes their look.
  const env = (rx: number, ry: number, rz: number, rough: number): number => {
    const sharpEnv = ry > 0 ? 0.4 + 1.2 * smooth(0.05, 0.85, ry) : 0.4 - 0.34 * smooth(0, -0.3, ry);
    const spread = 1 - rough;
    const kd = Math.max(0, rx * keyL[0] + ry * keyL[1] + rz * keyL[2]);
    const box = kd ** (3 + 150 * spread) * (0.4 + 4 * spread);
    return sharpEnv * spread + 0.5 * (1 - spread) + box;
  };

  const out = new Float32Array(S * S * 3);
  const LI = [1.3, 0.4, 0.45]; // key, fill, rim intensities
  const LD = [keyL, fillL, rimL];
  const shadowBias = texel * 1.5;
  const groundY = g.min[1];
  // Shade per subsample, but reuse the colour when an output pixel's subsamples hit the same triangle (as MSAA
  // does): interiors are shaded about once per output pixel, edges get the full supersampling.
  const shadedT = new Int32Array(ss * ss), shadedP = new Int32Array(ss * ss);
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      let nShaded = 0;
      for (let sj = 0; sj < ss; sj++) {
        for (let si = 0; si < ss; si++) {
          const py = oy * ss + sj, px = ox * ss + si;
          const p = py * S + px;
          const t = triId[p]!;
          if (t < 0) continue; // backdrop: shaded once per output pixel below
          let reuse = -1;
          for (let k = 0; k < nShaded; k++) if (shadedT[k] === t) reuse = shadedP[k]!;
          if (reuse >= 0) {
            out[p * 3] = out[reuse * 3]!, out[p * 3 + 1] = out[reuse * 3 + 1]!, out[p * 3 + 2] = out[reuse * 3 + 2]!;
            continue;
          }
          shadedT[nShaded] = t, shadedP[nShaded++] = p;
          // Ray through the pixel centre (inverse of the projection above).
          const nxp = (((px + 0.5) / (S / 2) - 1) / zoom + cx) / F, nyp = ((1 - (py + 0.5) / (S / 2)) / zoom + cy) / F;
          const rx = fwd[0] + right[0] * nxp + up[0] * nyp, ry = fwd[1] + right[1] * nxp + up[1] * nyp, rz = fwd[2] + right[2] * nxp + up[2] * nyp;
          const ia = g.tris[t * 3]!, ib = g.tris[t * 3 + 1]!, ic = g.tris[t * 3 + 2]!;
          const a = ia * 3, b = ib * 3, c = ic * 3;
          // Perspective-correct barycentrics at the subsample centre, recomputed from the screen triangle.
          let w0, w1, w2;
          {
            const x0 = sx[ia]!, y0 = sy[ia]!, x1 = sx[ib]!, y1 = sy[ib]!, x2 = sx[ic]!, y2 = sy[ic]!;
            const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
            const qx = px + 0.5, qy = py + 0.5;
            const l0 = ((x1 - qx) * (y2 - qy) - (x2 - qx) * (y1 - qy)) / area;
            const l1 = ((x2 - qx) * (y0 - qy) - (x0 - qx) * (y2 - qy)) / area;
            const p0 = l0 * invZ[ia]!, p1 = l1 * invZ[ib]!, p2 = (1 - l0 - l1) * invZ[ic]!;
            const sum = p0 + p1 + p2;
            w0 = p0 / sum, w1 = p1 / sum, w2 = p2 / sum;
          }
          const Px = w0 * g.pos[a]! + w1 * g.pos[b]! + w2 * g.pos[c]!;
          const Py = w0 * g.pos[a + 1]! + w1 * g.pos[b + 1]! + w2 * g.pos[c + 1]!;
          const Pz = w0 * g.pos[a + 2]! + w1 * g.pos[b + 2]! + w2 * g.pos[c + 2]!;
          let nx = w0 * g.nor[a]! + w1 * g.nor[b]! + w2 * g.nor[c]!;
          let ny = w0 * g.nor[a + 1]! + w1 * g.nor[b + 1]! + w2 * g.nor[c + 1]!;
          let nz = w0 * g.nor[a + 2]! + w1 * g.nor[b + 2]! + w2 * g.nor[c + 2]!;
          let inv = 1 / (Math.sqrt(nx * nx + ny * ny + nz * nz) || 1);
          nx *= inv, ny *= inv, nz *= inv;
          inv = 1 / Math.sqrt(rx * rx + ry * ry + rz * rz);
          const Vx = -rx * inv, Vy = -ry * inv, Vz = -rz * inv;
          if (faceN[t * 3]! * Vx + faceN[t * 3 + 1]! * Vy + faceN[t * 3 + 2]! * Vz < 0) (nx = -nx), (ny = -ny), (nz = -nz); // inside of an open shell
          const m = g.materials[g.triMat[t]!]!;
          const rough = Math.max(0.05, m.roughness), metal = m.metallic;
          const dr = m.base[0] * (1 - metal), dg = m.base[1] * (1 - metal), db = m.base[2] * (1 - metal);
          const f0r = 0.04 + (m.base[0] - 0.04) * metal, f0g = 0.04 + (m.base[1] - 0.04) * metal, f0b = 0.04 + (m.base[2] - 0.04) * metal;
          const ndv = Math.max(1e-3, nx * Vx + ny * Vy + nz * Vz);
          const alpha = rough * rough, a2 = alpha * alpha, kk = alpha / 2;
          // Hemisphere ambient, dimmed near the floor (cheap occlusion).
          const occl = 0.55 + 0.45 * smooth(0, falloff * 2, Py - groundY);
          const hemi = (0.3 + 0.12 * ny) * occl;
          let r = dr * hemi, gg = dg * hemi, bb = db * hemi;
          for (let li = 0; li < 3; li++) {
            const L = LD[li]!;
            const ndl = nx * L[0] + ny * L[1] + nz * L[2];
            if (ndl <= 0) continue;
            let vis = LI[li]!;
            if (li === 0) {
              vis *= lightAt(Px + nx * texel * 1.5, Py + ny * texel * 1.5, Pz + nz * texel * 1.5, shadowBias, 1, 1);
              if (vis === 0) continue;
            }
            let hx = L[0] + Vx, hy = L[1] + Vy, hz = L[2] + Vz;
            const hl = 1 / (Math.sqrt(hx * hx + hy * hy + hz * hz) || 1);
            hx *= hl, hy *= hl, hz *= hl;
            const ndh = Math.max(0, nx * hx + ny * hy + nz * hz), vdh = Math.max(0, Vx * hx + Vy * hy + Vz * hz);
            const dd = ndh * ndh * (a2 - 1) + 1;
            const D = a2 / (Math.PI * dd * dd);
            const G = 0.5 / (ndl * (ndv * (1 - kk) + kk) + ndv * (ndl * (1 - kk) + kk));
            const fv = 1 - vdh, fw = fv * fv * fv * fv * fv;
            const spec = Math.min(D * G, 40) * ndl * vis;
            r += dr * ndl * vis + (f0r + (1 - f0r) * fw) * spec;
            gg += dg * ndl * vis + (f0g + (1 - f0g) * fw) * spec;
            bb += db * ndl * vis + (f0b + (1 - f0b) * fw) * spec;
          }
          const Rx = 2 * ndv * nx - Vx, Ry = 2 * ndv * ny - Vy, Rz = 2 * ndv * nz - Vz;
          const e = env(Rx, Ry, Rz, rough) * occl;
          const fq = 1 - ndv, fr = fq * fq * fq * fq * fq;
          const gloss = 1 - rough;
          const k = metal > 0 ? e : e * (0.9 * gloss + 0.1); // rough dielectrics barely mirror anything
          r += (f0r + (Math.max(gloss, f0r) - f0r) * fr) * k;
          gg += (f0g + (Math.max(gloss, f0g) - f0g) * fr) * k;
          bb += (f0b + (Math.max(gloss, f0b) - f0b) * fr) * k;
          out[p * 3] = tone(r * EXPOSURE);
          out[p * 3 + 1] = tone(gg * EXPOSURE);
          out[p * 3 + 2] = tone(bb * EXPOSURE);
        }
      }
    }
  }

  // --- Box-filter the supersamples down and encode to sRGB bytes. The backdrop is smooth, so it is shaded once
  // per output pixel (at its centre) and only the model's edges really use the supersamples.
  const backdrop = (x: number, y: number): number => {
    const nxp = (((x + 0.5) / (size / 2) - 1) / zoom + cx) / F, nyp = ((1 - (y + 0.5) / (size / 2)) / zoom + cy) / F;
    const rx = fwd[0] + right[0] * nxp + up[0] * nyp, ry = fwd[1] + right[1] * nxp + up[1] * nyp, rz = fwd[2] + right[2] * nxp + up[2] * nyp;
    let shade = 1;
    if (ry < -1e-9) {
      const s = (groundY - eye[1]) / ry;
      shade = floorAt(eye[0] + rx * s, eye[2] + rz * s);
    }
    const vx = x / size - 0.5, vy = y / size - 0.5;
    return shade * (1 - 0.24 * (vx * vx + vy * vy)); // gentle vignette keeps the eye on the product
  };
  const rgb = new Uint8Array(size * size * 3);
  const inv = 1 / (ss * ss);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, gg = 0, bb = 0, bgCount = 0;
      for (let j = 0; j < ss; j++) {
        for (let i = 0; i < ss; i++) {
          const p = (y * ss + j) * S + x * ss + i;
          if (triId[p]! < 0) bgCount++;
          else (r += out[p * 3]!), (gg += out[p * 3 + 1]!), (bb += out[p * 3 + 2]!);
        }
      }
      if (bgCount > 0) {
        const shade = backdrop(x, y) * bgCount;
        r += BACKDROP[0] * shade, gg += BACKDROP[1] * shade, bb += BACKDROP[2] * shade;
      }
      const o = (y * size + x) * 3;
      rgb[o] = SRGB_LUT[Math.round(Math.min(1, Math.max(0, r * inv)) * LUT_MAX)]!;
      rgb[o + 1] = SRGB_LUT[Math.round(Math.min(1, Math.max(0, gg * inv)) * LUT_MAX)]!;
      rgb[o + 2] = SRGB_LUT[Math.round(Math.min(1, Math.max(0, bb * inv)) * LUT_MAX)]!;
    }
  }
  return { width: size, height: size, rgb };
}

export async function encodeWebp(px: PosterPixels, quality = 86): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(px.rgb.buffer, px.rgb.byteOffset, px.rgb.byteLength), { raw: { width: px.width, height: px.height, channels: 3 } })
    .webp({ quality, effort: 4 })
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export async function renderPoster(doc: Document, opts: PosterOptions = {}): Promise<{ webp: Uint8Array; width: number; height: number }> {
  const px = renderPosterPixels(doc, opts);
  return { webp: await encodeWebp(px), width: px.width, height: px.height };
}
