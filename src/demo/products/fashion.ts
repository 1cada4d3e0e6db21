// Fashion: sneaker, bucket hat, tote bag, backpack, sunglasses. Front faces +Z, units are metres.
import { extrude } from '../geometry/extrude.ts';
import { torus } from '../geometry/lathe.ts';
import { loft } from '../geometry/loft.ts';
import { deform, place, rotationX, rotationY, rotationZ, scaling, translation, type MeshData } from '../geometry/mesh.ts';
import { roundedBox } from '../geometry/rounded-box.ts';
import { circle2, ellipse2, roundedRect2, superellipse2 } from '../geometry/shapes2d.ts';
import { arcPath, splinePath, sweep } from '../geometry/sweep.ts';
import type { Vec2, Vec3 } from '../geometry/vec.ts';
import { ALUMINIUM, fabric, glass, leather, plastic, rubber, swatches } from '../materials.ts';
import { Model } from '../model.ts';
import type { ProductDef } from '../product-def.ts';
import { shell } from './parts.ts';

const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

// ---- Sneaker --------------------------------------------------------------------------------------------------
// Laid along x (toe towards +x) so the 3/4 poster shows its side and toe; EU 42, about 29 cm long.
const L = 0.29;
/** Half-width of the sole at position x along the foot: narrow heel, wide ball, rounded toe. */
const footHalfWidth = (x: number): number => 0.052 * (0.7 + 0.3 * Math.exp(-(((x - 0.05) / 0.1) ** 2)));
/** Half-width of the sole outline itself at x (the superellipse narrows footHalfWidth towards heel and toe). */
function outlineHalfWidth(x: number): number {
  const c = Math.min(1, Math.abs(x) / (L / 2)) ** 1.2;
  return footHalfWidth(x) * Math.sqrt(Math.max(0, 1 - c * c)) ** (2 / 2.4);
}
function footOutline(inset: number): Vec2[] {
  const out: Vec2[] = [];
  const n = 96;
  for (let i = 0; i < n; i++) {
    const u = (i / n) * Math.PI * 2;
    const c = Math.cos(u), s = Math.sin(u);
    const x = (L / 2 - inset) * Math.sign(c) * Math.abs(c) ** (2 / 2.4);
    out.push([x, (footHalfWidth(x) - inset) * Math.sign(s) * Math.abs(s) ** (2 / 2.4)]);
  }
  return out;
}
/** Toe spring: the front of the shoe curves up off the floor. */
const toeSpring = ([x, y, z]: Vec3): Vec3 => [x, y + 0.022 * smoothstep(0.04, L / 2, x) ** 2, z];
/** Height of the upper above the sole top at x: high collar at the heel, low over the toes. */
const upperHeight = (x: number): number => 0.04 + 0.05 * (1 - smoothstep(-0.015, 0.125, x));
const COLLAR = { x: -0.072, halfLength: 0.056, halfWidth: 0.033 };

const SNEAKERS = swatches(leather, { Chalk: '#efece5', Black: '#26272b', Forest: '#2f4b3a' });

const sneaker: ProductDef = {
  slug: 'court-sneaker',
  title: 'Court Leather Sneaker',
  description:
    'A clean, low-top sneaker in full-grain leather on a cushioned rubber cupsole. A padded collar and tongue make it comfortable from the first wear. Resoleable, so it lasts for years.',
  category: 'fashion',
  options: [
    { name: 'Colour', values: Object.keys(SNEAKERS) },
    { name: 'Size', values: ['EU 40', 'EU 41', 'EU 42', 'EU 43', 'EU 44'] },
  ],
  variantOption: 'Colour',
  price: 12900,
  surcharge: { Forest: 1000 },
  view: { azimuth: 24, elevation: 20 },
  build() {
    const U = { slot: 'Colour', byVariant: SNEAKERS };
    const m = new Model();
    const flatLay = (mesh: MeshData, bottom: number, thickness: number): MeshData => deform(place(mesh, rotationX(-Math.PI / 2), translation(0, bottom + thickness / 2, 0)), toeSpring);
    m.add(flatLay(extrude(footOutline(0), 0.01, { bevel: 0.003, bevelSegments: 2 }), 0, 0.01), rubber('Gum Sole', '#8c5c38'));
    const soleTop = 0.042;
    m.add(flatLay(extrude(footOutline(0.002), soleTop - 0.008, { bevel: 0.005, bevelSegments: 3 }), 0.008, soleTop - 0.008), rubber('Cupsole', '#f3f0e8'));
    // Upper: rings across the foot from heel to toe, closed to a point at each end.
    const rings: Vec3[][] = [];
    const count = 44;
    const base = soleTop - 0.012; // the upper starts inside the cupsole, which wraps up its sides
    for (let i = 0; i < count; i++) {
      const t = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / count); // denser at both ends for round caps
      const x = -L / 2 + 0.008 + t * (L - 0.018);
      const heel = Math.sqrt(Math.min(1, t * 22)), toe = Math.sqrt(Math.min(1, (1 - t) * 9)); // round off both ends
      const hw = Math.max(0.006, outlineHalfWidth(x) - 0.004);
      const h = upperHeight(x) * (0.55 + 0.45 * heel) * (0.5 + 0.5 * toe);
      const ring: Vec3[] = [];
      for (let k = 0; k < 32; k++) {
        const phi = (k / 32) * Math.PI * 2;
        const c = Math.cos(phi), s = Math.sin(phi);
        const z = hw * Math.sign(c) * Math.abs(c) ** 0.6;
        const y = s >= 0 ? base + h * s ** 0.45 : base - 0.006 * -s;
        ring.push([x, y, z]);
      }
      rings.push(ring);
    }
    const heelApex: Vec3 = [-L / 2 + 0.005, base + 0.05, 0], toeApex: Vec3 = [L / 2 - 0.008, base + 0.012, 0];
    m.add(deform(loft(rings, { start: heelApex, end: toeApex }), toeSpring), U);
    // Collar opening over the heel: dark lining inside a padded rim sitting on the flat top of the upper.
    const top = base + upperHeight(COLLAR.x);
    m.add(place(extrude(ellipse2(COLLAR.halfLength, COLLAR.halfWidth - 0.004, 48), 0.002), rotationX(-Math.PI / 2), translation(COLLAR.x, top, 0)), fabric('Lining', '#2b2b2d'));
    m.add(place(torus(1, 0.0065, 72, 12), scaling(COLLAR.halfLength + 0.003, 1, COLLAR.halfWidth), translation(COLLAR.x, top, 0)), U);
    // Tongue rising from the front of the opening, then laces down the instep.
    const tongueX = COLLAR.x + COLLAR.halfLength + 0.004;
    m.add(place(roundedBox(0.045, 0.007, 0.04, 0.0033, { bulge: 0.0015 }), rotationZ(-0.32), translation(tongueX + 0.006, top + 0.002, 0)), U);
    const laceMat = fabric('Laces', '#f4f2ec');
    for (let i = 0; i < 5; i++) {
      const x = tongueX + 0.012 + i * 0.017;
      const y = base + upperHeight(x) + 0.002;
      const lace = splinePath([[x, y - 0.008, -0.026], [x, y, -0.011], [x, y + 0.0005, 0.011], [x, y - 0.008, 0.026]], 6);
      m.add(deform(sweep(lace, { radius: 0.0018, segments: 8 }), toeSpring), laceMat);
    }
    // Heel tab for a touch of contrast.
    m.add(place(roundedBox(0.01, 0.045, 0.028, 0.0045), rotationZ(-0.12), translation(-L / 2 + 0.008, top - 0.018, 0)), leather('Heel Tab', '#b58a5a'));
    return m;
  },
};
// ---- Bucket hat ---------------------------------------------------------------------------------------------
const HATS = swatches(fabric, { Olive: '#6d6b44', Stone: '#cfc6b3', Black: '#262626' });

const bucketHat: ProductDef = {
  slug: 'bucket-hat',
  title: 'Cotton Bucket Hat',
  description:
    'A soft bucket hat in washed cotton twill with a stitched, downturned brim. It packs flat into a bag and springs back into shape. Breathable eyelets keep your head cool in summer.',
  category: 'fashion',
  options: [
    { name: 'Colour', values: Object.keys(HATS) },
    { name: 'Size', values: ['S/M', 'L/XL'] },
  ],
  variantOption: 'Colour',
  price: 3500,
  view: { elevation: 22 },
  build() {
    const H = { slot: 'Colour', byVariant: HATS };
    const m = new Model();
    const outer: Vec2[] = [[0.158, 0.0], [0.14, 0.016], [0.118, 0.032], [0.1, 0.044], [0.097, 0.06], [0.093, 0.08], [0.089, 0.093], [0.083, 0.099], [0.07, 0.101], [0, 0.102]];
    m.add(shell(outer, 0.003, 96), H);
    // Stitch rows on the brim and a band around the crown base.
    for (const [r, y] of [[0.147, 0.0105], [0.132, 0.0225]] as const) m.add(place(torus(r, 0.0007, 96, 6), translation(0, y + 0.0013, 0)), fabric('Stitching', '#e9e3d4'));
    m.add(place(torus(0.099, 0.0035, 96, 10), scaling(1, 1.6, 1), translation(0, 0.05, 0)), H);
    for (const a of [0.6, 2.2]) {
      const p: Vec3 = [0.094 * Math.sin(a), 0.075, 0.094 * Math.cos(a)];
      m.add(place(torus(0.004, 0.0012, 16, 6), rotationX(Math.PI / 2), rotationY(a), translation(p[0], p[1], p[2])), ALUMINIUM);
    }
    return m;
  },
};

// ---- Tote bag -----------------------------------------------------------------------------------------------
const TOTES = swatches(fabric, { Natural: '#e3d6bd', Black: '#2a2a2a', Olive: '#6b6b45' });

const toteBag: ProductDef = {
  slug: 'canvas-tote',
  title: 'Heavy Canvas Tote',
  description:
    'A roomy tote in heavyweight organic canvas with vegetable-tanned leather handles. Fits a laptop, groceries or a day at the beach. An inside pocket keeps keys and phone within reach.',
  category: 'fashion',
  options: [{ name: 'Colour', values: Object.keys(TOTES) }],
  variantOption: 'Colour',
  price: 6500,
  view: { azimuth: 30, elevation: 14 },
  build() {
    const m = new Model();
    const H = 0.38, D = 0.11;
    // Pinch the top so it reads as a soft bag, not a box.
    const squeeze = (y: number): number => 1 - 0.6 * smoothstep(0.05, H, y) ** 1.4;
    const body = deform(place(roundedBox(0.4, H, D, 0.016, { bulge: 0.006, segments: 3 }), translation(0, H / 2, 0)), ([x, y, z]) => [x, y, z * squeeze(y)]);
    m.add(body, { slot: 'Colour', byVariant: TOTES });
    const strapMat = leather('Tan Leather', '#9c6239');
    for (const s of [-1, 1]) {
      const zFace = (y: number): number => s * ((D / 2) * squeeze(y) + 0.0018);
      const pts: Vec3[] = [[-0.09, 0.24, zFace(0.24)], [-0.09, 0.33, zFace(0.33)], [-0.085, 0.4, zFace(H) * 0.9], [-0.05, 0.58, 0], [0, 0.61, 0], [0.05, 0.58, 0], [0.085, 0.4, zFace(H) * 0.9], [0.09, 0.33, zFace(0.33)], [0.09, 0.24, zFace(0.24)]];
      m.add(sweep(splinePath(pts, 8), { shape: roundedRect2(0.004, 0.026, 0.0015, 2), up: [0, 0, 1] }), strapMat);
    }
    return m;
  },
};

// ---- Backpack -----------------------------------------------------------------------------------------------
const PACKS = swatches(fabric, { Navy: '#26324a', Olive: '#5c6240', Rust: '#a4502f' });

const backpack: ProductDef = {
  slug: 'daypack',
  title: 'Roll-Free Daypack',
  description:
    'A 20-litre daypack in recycled, water-resistant nylon with a padded laptop sleeve. The front pocket swallows chargers and snacks, and the straps are padded for all-day comfort. Carry-on friendly.',
  category: 'fashion',
  options: [{ name: 'Colour', values: Object.keys(PACKS) }],
  variantOption: 'Colour',
  price: 8900,
  surcharge: { Rust: 500 },
  view: { azimuth: 34, elevation: 14 },
  build() {
    const C = { slot: 'Colour', byVariant: PACKS };
    const webbing = fabric('Webbing', '#1d1d1f');
    const m = new Model();
    const H = 0.44;
    const narrowTop = ([x, y, z]: Vec3): Vec3 => [x * (1 - 0.14 * smoothstep(0.2, H, y) ** 2), y, z];
    m.add(deform(place(roundedBox(0.3, H, 0.15, 0.06, { bulge: 0.012 }), translation(0, H / 2, 0)), narrowTop), C);
    m.add(place(roundedBox(0.24, 0.2, 0.05, 0.022, { bulge: 0.008 }), translation(0, 0.13, 0.082)), C);
    const zip = fabric('Zip', '#2a2a2a');
    m.add(sweep(splinePath([[-0.1, 0.215, 0.1], [0, 0.23, 0.108], [0.1, 0.215, 0.1]], 12), { radius: 0.003, segments: 8 }), zip);
    m.add(sweep(splinePath([[-0.135, 0.33, 0.072], [-0.1, 0.415, 0.074], [0, 0.437, 0.075], [0.1, 0.415, 0.074], [0.135, 0.33, 0.072]], 10), { radius: 0.003, segments: 8 }), zip);
    m.add(place(roundedBox(0.012, 0.03, 0.004, 0.0015, { segments: 1 }), translation(0.06, 0.205, 0.111)), ALUMINIUM);
    m.add(sweep(splinePath([[0, 0.425, -0.035], [0, 0.462, -0.028], [0, 0.474, -0.01], [0, 0.462, 0.008], [0, 0.425, 0.015]], 8), { shape: roundedRect2(0.004, 0.022, 0.0015, 2), up: [0, 0, 1] }), webbing);
    for (const s of [-1, 1]) {
      const strap = splinePath([[s * 0.055, 0.41, -0.07], [s * 0.07, 0.35, -0.105], [s * 0.09, 0.22, -0.112], [s * 0.105, 0.1, -0.095], [s * 0.11, 0.04, -0.072]], 10);
      m.add(sweep(strap, { shape: roundedRect2(0.014, 0.055, 0.006, 3), up: [0, 0, 1] }), webbing);
    }
    return m;
  },
};

// ---- Sunglasses ---------------------------------------------------------------------------------------------
const FRAMES = { Black: plastic('Black', '#141414'), Tortoise: plastic('Tortoise', '#5a3520'), Crystal: plastic('Crystal', '#9aa3a8') };

const sunglasses: ProductDef = {
  slug: 'sunglasses',
  title: 'Classic Acetate Sunglasses',
  description:
    'Timeless acetate frames with polarised, scratch-resistant lenses that block all UVA and UVB. Five-barrel hinges keep the fit snug for years. Comes with a cork case and cleaning cloth.',
  category: 'fashion',
  options: [{ name: 'Frame', values: Object.keys(FRAMES) }],
  variantOption: 'Frame',
  price: 14500,
  surcharge: { Tortoise: 1000 },
  view: { azimuth: 28, elevation: 16, fill: 0.84 },
  build() {
    const F = { slot: 'Frame', byVariant: FRAMES };
    const m = new Model();
    // Wayfarer-like lens: a superellipse that is wider at the top.
    const lens = superellipse2(0.027, 0.021, 2.8, 64).map(([x, y]): Vec2 => [x * (1 + 0.1 * (y / 0.021)), y]);
    for (const s of [-1, 1]) {
      const cx = s * 0.035;
      const rim = lens.map(([x, y]): Vec3 => [cx + s * x, y, 0]);
      m.add(sweep(s > 0 ? rim : [...rim].reverse(), { shape: roundedRect2(0.0048, 0.0045, 0.0016, 2), closed: true, up: [1, 0, 0] }), F);
      m.add(place(extrude(lens.map(([x, y]): Vec2 => [x * 0.97, y * 0.97]), 0.0016), scaling(s, 1, 1), translation(cx, 0, 0)), glass('Lens', '#1f2b27'));
      // Temple: straight back from the hinge, then down behind the ear.
      const hx = s * (0.035 + 0.0295);
      const temple = splinePath([[hx, 0.012, -0.003], [hx + s * 0.003, 0.012, -0.06], [hx + s * 0.004, 0.01, -0.11], [hx + s * 0.003, 0.0, -0.13], [hx + s * 0.002, -0.017, -0.142]], 8);
      m.add(sweep(temple, { shape: roundedRect2(0.0028, 0.0055, 0.001, 2), up: [1, 0, 0] }), F);
      m.add(place(roundedBox(0.006, 0.008, 0.008, 0.002, { segments: 1 }), translation(hx - s * 0.002, 0.012, -0.002)), ALUMINIUM);
    }
    const bridge = arcPath([0, 0.004, 0], 0.011, [1, 0, 0], [0, 1, 0], 0.35, Math.PI - 0.35, 16);
    m.add(sweep(bridge, { shape: circle2(0.0028, 12) }), F);
    return m;
  },
};

export const fashion: ProductDef[] = [sneaker, bucketHat, toteBag, backpack, sunglasses];
