// Gadgets: speaker, headphones, phone stand, smartwatch, desk clock. Front faces +Z, units are metres.
import { extrude } from '../geometry/extrude.ts';
import { cylinder, lathe, torus } from '../geometry/lathe.ts';
import { place, rotationX, rotationY, rotationZ, scaling, translation, type MeshData } from '../geometry/mesh.ts';
import { box, roundedBox } from '../geometry/rounded-box.ts';
import { filletOutline, roundedRect2 } from '../geometry/shapes2d.ts';
import { arcPath, sweep } from '../geometry/sweep.ts';
import type { Vec2, Vec3 } from '../geometry/vec.ts';
import { ALUMINIUM, brushed, ceramic, fabric, glass, leather, plastic, RUBBER_BLACK, softTouch, swatches, wood } from '../materials.ts';
import { Model } from '../model.ts';
import type { ProductDef } from '../product-def.ts';
import { roundedDiscProfile } from './parts.ts';

/** A solid of revolution around +Y turned to lie along +X (rods, speaker bodies, ear cups). */
const alongX = (m: MeshData): MeshData => place(m, rotationZ(-Math.PI / 2));
/** A solid of revolution around +Y turned to face +Z (clock faces, dials). */
const alongZ = (m: MeshData): MeshData => place(m, rotationX(Math.PI / 2));

const SPEAKER = swatches(fabric, { Graphite: '#3a3c40', Sand: '#cbb999', Ocean: '#2e5b76' });

const speaker: ProductDef = {
  slug: 'bluetooth-speaker',
  title: 'Pulse Bluetooth Speaker',
  description:
    'A pocketable cylinder speaker with surprisingly full bass and 16 hours of battery. Splash-proof fabric and rubber end caps shrug off picnics and showers. Pair two for stereo.',
  category: 'gadgets',
  options: [{ name: 'Colour', values: Object.keys(SPEAKER) }],
  variantOption: 'Colour',
  price: 7900,
  view: { azimuth: 30, elevation: 24 },
  build() {
    const m = new Model();
    const r = 0.036, half = 0.092;
    const body = lathe([[0, -half], [r - 0.006, -half], [r, -half + 0.006], [r, half - 0.006], [r - 0.006, half], [0, half]], { segments: 64, sharpDeg: 60 });
    m.add(place(alongX(body), translation(0, r + 0.002, 0)), { slot: 'Colour', byVariant: SPEAKER });
    for (const s of [-1, 1]) {
      const cap = place(lathe(roundedDiscProfile(r + 0.0015, 0.012, 0.004), { segments: 64 }), translation(0, -0.006, 0));
      m.add(place(alongX(cap), translation(s * (half - 0.001), r + 0.002, 0)), RUBBER_BLACK);
    }
    // Buttons along the top, a rubber foot strip underneath so it does not roll.
    for (const x of [-0.03, 0, 0.03]) m.add(place(cylinder(0.0065, 0.006, 0.0035, 24), translation(x, 2 * r + 0.0005, 0)), RUBBER_BLACK);
    m.add(place(roundedBox(0.15, 0.006, 0.02, 0.002, { segments: 2 }), translation(0, 0.003, 0)), RUBBER_BLACK);
    return m;
  },
};

const PHONES = {
  Midnight: softTouch('Midnight', '#23252b'),
  Silver: brushed('Silver', '#c9cbce'),
  Rose: softTouch('Rose', '#d8a598'),
};

const headphones: ProductDef = {
  slug: 'wireless-headphones',
  title: 'Studio Wireless Headphones',
  description:
    'Over-ear wireless headphones with active noise cancelling and memory-foam cushions. Thirty hours of playback and a quick charge that gives five more in ten minutes. They fold flat into the included case.',
  category: 'gadgets',
  options: [{ name: 'Colour', values: Object.keys(PHONES) }],
  variantOption: 'Colour',
  price: 24900,
  surcharge: { Silver: 2000 },
  view: { azimuth: 28, elevation: 14 },
  build() {
    const C = { slot: 'Colour', byVariant: PHONES };
    const cushion = leather('Cushion', '#1c1c1e');
    const m = new Model();
    const cupY = 0.058, cupX = 0.076;
    const cup = lathe([[0, 0], [0.038, 0], [0.043, 0.006], [0.044, 0.018], [0.036, 0.029], [0, 0.031]], { segments: 56, sharpDeg: 60 });
    for (const s of [-1, 1]) {
      // Oval cups (taller than wide), their flat side facing the head.
      const oval = (mesh: MeshData): MeshData => place(mesh, scaling(1.25, 1, 1), rotationZ(s > 0 ? -Math.PI / 2 : Math.PI / 2));
      m.add(place(oval(place(cup, translation(0, 0.004, 0))), translation(s * cupX, cupY, 0)), C);
      m.add(place(oval(torus(0.029, 0.011, 56, 14)), translation(s * (cupX - 0.006), cupY, 0)), cushion);
      m.add(place(oval(place(cylinder(0.028, 0.028, 0.004, 48), translation(0, -0.001, 0))), translation(s * (cupX - 0.006), cupY, 0)), cushion);
      // Yoke: a fork that holds the cup at front and back.
      const yoke = arcPath([s * (cupX + 0.012), cupY, 0], 0.06, [0, 0, 1], [0, 1, 0], 0.35, Math.PI - 0.35, 24);
      m.add(sweep(yoke, { shape: roundedRect2(0.004, 0.008, 0.0015, 2), up: [0, 1, 0] }), C);
      m.add(place(cylinder(0.005, 0.005, 0.03, 16), translation(s * (cupX + 0.012), cupY + 0.056, 0)), ALUMINIUM);
    }
    const bandR = cupX + 0.012, bandY = cupY + 0.085;
    const band = arcPath([0, bandY, 0], bandR, [1, 0, 0], [0, 1, 0], 0, Math.PI, 64);
    m.add(sweep(band, { shape: roundedRect2(0.007, 0.032, 0.003, 3), up: [1, 0, 0] }), C);
    const pad = arcPath([0, bandY, 0], bandR - 0.008, [1, 0, 0], [0, 1, 0], 0.55, Math.PI - 0.55, 48);
    m.add(sweep(pad, { shape: roundedRect2(0.01, 0.026, 0.0045, 3), up: [1, 0, 0] }), cushion);
    return m;
  },
};

const STANDS = { Silver: brushed('Silver', '#cfd1d4'), 'Space Grey': brushed('Space Grey', '#5d6066') };

const phoneStand: ProductDef = {
  slug: 'phone-stand',
  title: 'Alloy Phone Stand',
  description:
    'A solid aluminium stand that holds your phone at a comfortable viewing angle for calls and recipes. A soft silicone lip stops it sliding. Fits every phone and small tablet, with or without a case.',
  category: 'gadgets',
  options: [{ name: 'Finish', values: Object.keys(STANDS) }],
  variantOption: 'Finish',
  price: 3900,
  view: { azimuth: 40, elevation: 20 },
  build() {
    const m = new Model();
    // Side profile in (z, y): a wedge with a front lip; extruded across x.
    const profile: Vec2[] = [[0.05, 0], [0.05, 0.024], [0.043, 0.024], [0.043, 0.008], [0.008, 0.008], [-0.04, 0.112], [-0.048, 0.109], [-0.052, 0]];
    const body = place(extrude(filletOutline(profile, 0.0025, 5), 0.075, { bevel: 0.0018, bevelSegments: 3, sharpDeg: 25 }), rotationY(-Math.PI / 2));
    m.add(body, { slot: 'Finish', byVariant: STANDS });
    // Silicone pads where the phone touches.
    // The support face runs from (z 0.008, y 0.008) to (z -0.040, y 0.112); its outward normal is (y 0.419, z 0.908).
    m.add(place(box(0.07, 0.003, 0.03), rotationX(Math.atan2(0.908, 0.419)), translation(0, 0.0606, -0.0146)), RUBBER_BLACK);
    m.add(place(box(0.07, 0.0025, 0.033), translation(0, 0.0092, 0.026)), RUBBER_BLACK);
    return m;
  },
};

const BANDS = swatches(softTouch, { Midnight: '#1f2430', Starlight: '#e3d9c6', Clay: '#b86f52' });

const smartwatch: ProductDef = {
  slug: 'smartwatch',
  title: 'Orbit Smartwatch',
  description:
    'A light aluminium smartwatch with an always-on display, heart-rate and sleep tracking, and a week of battery. The soft sport band is swim-proof and swaps in seconds. Works with iOS and Android.',
  category: 'gadgets',
  options: [
    { name: 'Band', values: Object.keys(BANDS) },
    { name: 'Case', values: ['41 mm', '45 mm'] },
  ],
  variantOption: 'Band',
  price: 29900,
  surcharge: { '45 mm': 3000 },
  view: { azimuth: 32, elevation: 28 },
  build() {
    const m = new Model();
    // Band: a closed oval loop in the y-z plane, like it sits on a wrist; the case sits on top.
    const loop: Vec3[] = [];
    const n = 96, a = 0.033, b = 0.029;
    for (let i = 0; i < n; i++) {
      const t = (i / n) * Math.PI * 2;
      loop.push([0, b + b * Math.sin(t), a * Math.cos(t)]);
    }
    // Section: 22 mm across the wrist (x), 3 mm thick; the frame's first axis is x because the path starts heading +y.
    m.add(sweep(loop, { shape: roundedRect2(0.022, 0.003, 0.0012, 2), closed: true, up: [1, 0, 0] }), { slot: 'Band', byVariant: BANDS });
    const top = 2 * b + 0.0015;
    m.add(place(roundedBox(0.038, 0.0105, 0.045, 0.0048, { segments: 5 }), translation(0, top + 0.004, 0)), ALUMINIUM);
    m.add(place(roundedBox(0.0335, 0.0014, 0.0405, 0.0042, { segments: 4 }), translation(0, top + 0.0088, 0)), glass('Display', '#0b0c0f'));
    m.add(place(alongX(cylinder(0.0032, 0.0032, 0.0035, 24)), translation(0.0188, top + 0.0045, 0.006)), ALUMINIUM);
    m.add(place(box(0.0016, 0.0016, 0.009), translation(0.019, top + 0.0045, -0.008)), RUBBER_BLACK);
    return m;
  },
};

const CLOCKS = { Walnut: wood('Walnut', '#6b4630'), Ash: wood('Ash', '#d8c3a0'), Black: wood('Black', '#2b2927') };

const deskClock: ProductDef = {
  slug: 'desk-clock',
  title: 'Round Desk Clock',
  description:
    'A silent-sweep desk clock in a turned solid wood case. The clear, minimal dial is easy to read from across the room. Runs for a year on one AA battery.',
  category: 'gadgets',
  options: [{ name: 'Wood', values: Object.keys(CLOCKS) }],
  variantOption: 'Wood',
  price: 5900,
  view: { azimuth: 26, elevation: 12 },
  build() {
    const m = new Model();
    const R = 0.07, depth = 0.036, cy = 0.081;
    const W = { slot: 'Wood', byVariant: CLOCKS };
    m.add(place(alongZ(lathe(roundedDiscProfile(R, depth, 0.01), { segments: 72 })), translation(0, cy, -depth / 2)), W);
    m.add(place(roundedBox(0.085, 0.014, 0.04, 0.005), translation(0, 0.007, 0)), W);
    const face = depth / 2;
    m.add(place(alongZ(cylinder(0.058, 0.058, 0.002, 72)), translation(0, cy, face - 0.0008)), ceramic('Dial', '#f3f1ec'));
    const ink = plastic('Ink', '#1a1a1a');
    for (let h = 0; h < 12; h++) {
      const ang = (h / 12) * Math.PI * 2;
      const long = h % 3 === 0;
      const tick = box(0.0022, long ? 0.009 : 0.005, 0.0008);
      m.add(place(tick, translation(0, 0.049, 0), rotationZ(-ang), translation(0, cy, face + 0.0015)), ink);
    }
    // Ten past ten: the hands frame the dial the way shop photos do.
    const hand = (len: number, w: number, ang: number, z: number): MeshData =>
      place(box(w, len, 0.0008), translation(0, len / 2 - 0.006, 0), rotationZ(-ang), translation(0, cy, face + z));
    m.add(hand(0.034, 0.0032, (10 / 12) * Math.PI * 2 + (1 / 6) * (Math.PI / 6), 0.0022), ink);
    m.add(hand(0.05, 0.0022, (2 / 12) * Math.PI * 2, 0.0032), ink);
    m.add(hand(0.052, 0.0009, (7 / 12) * Math.PI * 2, 0.0042), plastic('Second Hand', '#c8372d'));
    m.add(place(alongZ(cylinder(0.0035, 0.0035, 0.004, 24)), translation(0, cy, face + 0.0012)), ink);
    return m;
  },
};

export const gadgets: ProductDef[] = [speaker, headphones, phoneStand, smartwatch, deskClock];
