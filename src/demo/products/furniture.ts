// Furniture: chairs, sofa, tables, shelving, stool. Front faces +Z, units are metres.
import { extrude } from '../geometry/extrude.ts';
import { lathe, torus } from '../geometry/lathe.ts';
import { place, rotationX, rotationY, translation, type MeshData } from '../geometry/mesh.ts';
import { box, roundedBox } from '../geometry/rounded-box.ts';
import { roundedRect2, superellipse2 } from '../geometry/shapes2d.ts';
import { filletPath, sweep } from '../geometry/sweep.ts';
import type { Vec3 } from '../geometry/vec.ts';
import { BLACK_STEEL, BRASS, CHROME, fabric, lacquer, leather, marble, swatches, wood, WALNUT } from '../materials.ts';
import { Model } from '../model.ts';
import type { ProductDef } from '../product-def.ts';
import { rng } from '../random.ts';
import { bendZ, rodX, rodZ, roundedDiscProfile, taperY, turnedLeg } from './parts.ts';

const WOODS = swatches(wood, { Oak: '#c9a06e', Walnut: '#6b4630', Black: '#2b2927' });

/** Lays an outline extruded along z flat on the floor plane (extrusion axis becomes +y), top at `top`. */
function slab(mesh: MeshData, top: number, thickness: number): MeshData {
  return place(mesh, rotationX(-Math.PI / 2), translation(0, top - thickness / 2, 0));
}

const diningChair: ProductDef = {
  slug: 'dining-chair',
  title: 'Arden Dining Chair',
  description:
    'A solid wood dining chair with a gently curved backrest and a contoured seat. Joined with mortise and tenon and finished with a hard-wearing oil. Stackable two high for small spaces.',
  category: 'furniture',
  options: [{ name: 'Wood', values: Object.keys(WOODS) }],
  variantOption: 'Wood',
  price: 24900,
  surcharge: { Walnut: 2000, Black: 1000 },
  build() {
    const W = { slot: 'Wood', byVariant: WOODS };
    const m = new Model();
    m.add(place(roundedBox(0.44, 0.028, 0.42, 0.01, { bulge: 0.003 }), translation(0, 0.446, 0.01)), W);
    for (const x of [-0.19, 0.19]) {
      m.add(place(turnedLeg(0.432, 0.013, 0.017), translation(x, 0, 0.18)), W);
      const post = filletPath([[x, 0, -0.19], [x, 0.44, -0.18], [x, 0.835, -0.245]], 0.12, 8);
      m.add(sweep(post, { shape: roundedRect2(0.03, 0.03, 0.009, 3), up: [1, 0, 0] }), W);
      m.add(rodZ(-0.18, 0.18, x, 0.14, 0.008), W);
      m.add(place(box(0.018, 0.05, 0.34), translation(x, 0.405, 0)), W);
    }
    for (const z of [0.18, -0.18]) m.add(place(box(0.36, 0.05, 0.018), translation(0, 0.405, z)), W);
    // Backrest and mid rail follow the rake of the back posts.
    const rake = -Math.atan2(0.065, 0.395);
    m.add(place(bendZ(roundedBox(0.4, 0.1, 0.02, 0.007), 0.5), rotationX(rake), translation(0, 0.765, -0.222)), W);
    m.add(place(bendZ(roundedBox(0.38, 0.035, 0.018, 0.006), 0.5), rotationX(rake), translation(0, 0.6, -0.196)), W);
    return m;
  },
};

const LOUNGE = {
  'Cognac Leather': leather('Cognac Leather', '#9a5a32'),
  'Black Leather': leather('Black Leather', '#262321'),
  'Sage Boucle': fabric('Sage Boucle', '#9aa58c'),
};

const loungeChair: ProductDef = {
  slug: 'lounge-chair',
  title: 'Halden Lounge Chair',
  description:
    'A low, deep lounge chair on a continuous chrome-plated steel frame. Thick seat and back cushions are filled with feather-wrapped foam that keeps its shape. Pads on the arms are upholstered to match.',
  category: 'furniture',
  options: [{ name: 'Upholstery', values: Object.keys(LOUNGE) }],
  variantOption: 'Upholstery',
  price: 89900,
  surcharge: { 'Sage Boucle': -5000 },
  view: { azimuth: 38, elevation: 18 },
  build() {
    const U = { slot: 'Upholstery', byVariant: LOUNGE };
    const m = new Model();
    const r = 0.013;
    for (const x of [-0.35, 0.35]) {
      const loop = filletPath([[x, r, 0.34], [x, 0.56, 0.3], [x, 0.56, -0.3], [x, r, -0.36]], 0.07, 10, true);
      m.add(sweep(loop, { radius: r, segments: 16, closed: true }), CHROME);
      m.add(place(roundedBox(0.075, 0.03, 0.6, 0.012, { bulge: 0.004 }), translation(x, 0.56 + r + 0.013, 0)), U);
    }
    for (const z of [0.322, -0.334]) m.add(rodX(-0.35, 0.35, 0.24, z, 0.011), CHROME);
    m.add(place(roundedBox(0.66, 0.14, 0.62, 0.05, { bulge: 0.018 }), translation(0, 0.325, 0.01)), U);
    m.add(place(roundedBox(0.66, 0.5, 0.15, 0.055, { bulge: 0.016 }), rotationX(-0.26), translation(0, 0.6, -0.25)), U);
    return m;
  },
};

const SOFA = swatches(fabric, { Oatmeal: '#cdbfa8', Charcoal: '#45474b', Navy: '#27344f', Terracotta: '#b0583a' });

const sofa: ProductDef = {
  slug: 'three-seat-sofa',
  title: 'Mellow Three-Seat Sofa',
  description:
    'A generous three-seater with deep seat cushions and loose back pillows you can plump and turn. The woven fabric is durable enough for daily family life. Tapered walnut legs lift it just off the floor.',
  category: 'furniture',
  options: [{ name: 'Fabric', values: Object.keys(SOFA) }],
  variantOption: 'Fabric',
  price: 149900,
  surcharge: { Navy: 10000, Terracotta: 10000 },
  view: { azimuth: 30, elevation: 16 },
  build() {
    const F = { slot: 'Fabric', byVariant: SOFA };
    const m = new Model();
    m.add(place(roundedBox(1.96, 0.2, 0.86, 0.03), translation(0, 0.2, 0)), F);
    for (const x of [-0.9, 0.9]) m.add(place(roundedBox(0.2, 0.56, 0.9, 0.07, { bulge: 0.01 }), translation(x, 0.38, 0)), F);
    m.add(place(roundedBox(1.62, 0.46, 0.2, 0.05), translation(0, 0.53, -0.34)), F);
    for (const x of [-0.535, 0, 0.535]) {
      m.add(place(roundedBox(0.53, 0.17, 0.66, 0.06, { bulge: 0.018, segments: 3 }), translation(x, 0.38, 0.1)), F);
      m.add(place(roundedBox(0.52, 0.44, 0.17, 0.07, { bulge: 0.025, segments: 3 }), rotationX(-0.2), translation(x, 0.64, -0.2)), F);
    }
    for (const x of [-0.88, 0.88]) for (const z of [-0.36, 0.36]) m.add(place(turnedLeg(0.1, 0.012, 0.02, 16), translation(x, 0, z)), WALNUT);
    return m;
  },
};

const TABLE_WOODS = swatches(wood, { Oak: '#c9a06e', Walnut: '#6b4630' });

const coffeeTable: ProductDef = {
  slug: 'coffee-table',
  title: 'Oval Coffee Table',
  description:
    'A soft-cornered oval coffee table with a lower shelf for books and trays. The solid wood top has a rounded edge that is kind to shins. Assembles in minutes with four bolts.',
  category: 'furniture',
  options: [{ name: 'Wood', values: Object.keys(TABLE_WOODS) }],
  variantOption: 'Wood',
  price: 39900,
  surcharge: { Walnut: 6000 },
  view: { elevation: 26 },
  build() {
    const W = { slot: 'Wood', byVariant: TABLE_WOODS };
    const m = new Model();
    m.add(slab(extrude(superellipse2(0.55, 0.3, 3.2, 128), 0.03, { bevel: 0.01, bevelSegments: 4 }), 0.42, 0.03), W);
    m.add(slab(extrude(superellipse2(0.44, 0.21, 3.2, 96), 0.018, { bevel: 0.006, bevelSegments: 3 }), 0.14, 0.018), W);
    for (const x of [-0.4, 0.4]) for (const z of [-0.19, 0.19]) m.add(place(turnedLeg(0.405, 0.014, 0.022), translation(x, 0, z)), W);
    return m;
  },
};

const DINING = swatches(wood, { Oak: '#c9a06e', Walnut: '#6b4630', Black: '#2b2927' });

const diningTable: ProductDef = {
  slug: 'dining-table',
  title: 'Linden Dining Table',
  description:
    'A solid wood dining table with slim tapered legs set right at the corners, so chairs tuck in anywhere. The top is finished with a matte lacquer that resists water rings. Seats six, or eight at the longer size.',
  category: 'furniture',
  options: [
    { name: 'Wood', values: Object.keys(DINING) },
    { name: 'Length', values: ['160 cm', '200 cm'] },
  ],
  variantOption: 'Wood',
  price: 99900,
  surcharge: { Walnut: 15000, Black: 5000, '200 cm': 30000 },
  view: { elevation: 24 },
  build() {
    const W = { slot: 'Wood', byVariant: DINING };
    const m = new Model();
    m.add(slab(extrude(roundedRect2(1.6, 0.9, 0.03, 4), 0.034, { bevel: 0.006, bevelSegments: 3 }), 0.75, 0.034), W);
    for (const x of [-0.74, 0.74]) {
      for (const z of [-0.39, 0.39]) {
        const leg = taperY(roundedBox(0.058, 0.716, 0.058, 0.006, { segments: 2 }), -0.358, 0.358, 0.62, 1);
        m.add(place(leg, translation(x, 0.358, z)), W);
      }
    }
    for (const z of [-0.39, 0.39]) m.add(place(box(1.42, 0.08, 0.022), translation(0, 0.675, z)), W);
    for (const x of [-0.74, 0.74]) m.add(place(box(0.022, 0.08, 0.72), translation(x, 0.675, 0)), W);
    return m;
  },
};

const MARBLES = swatches(marble, { 'White Marble': '#e8e5e0', 'Green Marble': '#2e4a3e', Travertine: '#d6c3a3' });

const sideTable: ProductDef = {
  slug: 'side-table',
  title: 'Pillar Side Table',
  description:
    'A round side table with a honed stone top on a turned brass pedestal. Just the right height next to a sofa or bed. Each top is cut from a single slab, so the veining is unique.',
  category: 'furniture',
  options: [{ name: 'Top', values: Object.keys(MARBLES) }],
  variantOption: 'Top',
  price: 32900,
  surcharge: { 'Green Marble': 4000 },
  view: { elevation: 24 },
  build() {
    const m = new Model();
    m.add(place(lathe(roundedDiscProfile(0.225, 0.026, 0.008), { segments: 72 }), translation(0, 0.524, 0)), { slot: 'Top', byVariant: MARBLES });
    const pedestal = lathe(
      [[0, 0], [0.17, 0], [0.17, 0.008], [0.14, 0.02], [0.06, 0.05], [0.032, 0.1], [0.026, 0.2], [0.026, 0.44], [0.034, 0.49], [0.08, 0.515], [0.08, 0.524], [0, 0.524]],
      { segments: 64, sharpDeg: 30 },
    );
    m.add(pedestal, BRASS);
    return m;
  },
};

const SHELF = { White: lacquer('White', '#ecebe6'), Oak: wood('Oak', '#c9a06e'), Black: lacquer('Black', '#2a2a2a') };
const BOOK_COLOURS = [
  fabric('Book Red', '#8c2f2b'), fabric('Book Navy', '#223353'), fabric('Book Mustard', '#c99a2e'), fabric('Book Teal', '#2f6f6a'),
  fabric('Book Cream', '#e4dac3'), fabric('Book Grey', '#6d6e70'), fabric('Book Rose', '#c98d86'),
];

function books(seed: string, x0: number, x1: number, y: number, depth: number): { mesh: MeshData; colour: number }[] {
  const rand = rng(seed);
  const out: { mesh: MeshData; colour: number }[] = [];
  let x = x0;
  while (x < x1 - 0.05) {
    const w = 0.018 + rand() * 0.03;
    if (x + w > x1) break;
    const h = 0.17 + rand() * 0.12;
    const d = depth * (0.75 + rand() * 0.2);
    out.push({ mesh: place(roundedBox(w, h, d, 0.002, { segments: 1 }), translation(x + w / 2, y + h / 2, 0.01 - (depth - d) / 2)), colour: Math.floor(rand() * BOOK_COLOURS.length) });
    x += w + 0.001;
    if (rand() < 0.12) x += 0.04 + rand() * 0.08; // gaps between runs of books
  }
  return out;
}

const bookshelf: ProductDef = {
  slug: 'bookshelf',
  title: 'Tall Bookshelf',
  description:
    'A tall five-shelf bookcase with a closed back and a flush plinth. Shelves hold up to 25 kg each without sagging. Wall fixing is included for safety.',
  category: 'furniture',
  options: [{ name: 'Finish', values: Object.keys(SHELF) }],
  variantOption: 'Finish',
  price: 34900,
  surcharge: { Oak: 5000 },
  view: { azimuth: 28, elevation: 14, fill: 0.84 },
  build() {
    const F = { slot: 'Finish', byVariant: SHELF };
    const m = new Model();
    const t = 0.022;
    for (const x of [-0.4 + t / 2, 0.4 - t / 2]) m.add(place(box(t, 1.8, 0.3), translation(x, 0.9, 0)), F);
    const inner = 0.8 - 2 * t;
    const levels = [0.06, 0.46, 0.86, 1.26, 1.789];
    for (const y of levels) m.add(place(box(inner, t, 0.29), translation(0, y, 0.005)), F);
    m.add(place(box(inner, 0.06, t), translation(0, 0.03, 0.15 - t / 2)), F);
    m.add(place(box(0.8, 1.8, 0.006), translation(0, 0.9, -0.147)), F);
    const shelfTops = levels.slice(0, 4).map((y) => y + t / 2);
    shelfTops.forEach((y, i) => {
      const span = i % 2 === 0 ? [-0.37, 0.2] : [-0.15, 0.37];
      for (const b of books(`bookshelf-${i}`, span[0]!, span[1]!, y, 0.24)) m.add(b.mesh, BOOK_COLOURS[b.colour]!);
    });
    // A small vase and a stack of books lying flat for variety.
    m.add(place(lathe([[0, 0], [0.04, 0], [0.055, 0.06], [0.03, 0.16], [0.022, 0.18], [0, 0.18]], { segments: 32 }), translation(0.27, shelfTops[0]!, 0)), BOOK_COLOURS[4]!);
    for (let k = 0; k < 3; k++) m.add(place(roundedBox(0.2 - k * 0.02, 0.03, 0.15, 0.002, { segments: 1 }), rotationY(0.08 * k), translation(-0.25, shelfTops[1]! + 0.015 + k * 0.03, 0)), BOOK_COLOURS[k + 1]!);
    return m;
  },
};

const STOOL = swatches(leather, { Black: '#222020', Mustard: '#c08a2d', Forest: '#2f4a37' });

const barStool: ProductDef = {
  slug: 'bar-stool',
  title: 'Perch Bar Stool',
  description:
    'A counter-height stool with a padded leather seat on a splayed steel frame. The ring footrest takes the strain off your legs during long breakfasts. Felt pads protect the floor.',
  category: 'furniture',
  options: [{ name: 'Seat', values: Object.keys(STOOL) }],
  variantOption: 'Seat',
  price: 18900,
  surcharge: { Mustard: 1000, Forest: 1000 },
  build() {
    const m = new Model();
    const seat = lathe(
      [[0, 0], [0.17, 0], [0.185, 0.01], [0.19, 0.03], [0.18, 0.05], [0.14, 0.062], [0, 0.066]],
      { segments: 64, sharpDeg: 40 },
    );
    m.add(place(seat, translation(0, 0.694, 0)), { slot: 'Seat', byVariant: STOOL });
    m.add(place(lathe(roundedDiscProfile(0.13, 0.012, 0.004), { segments: 48 }), translation(0, 0.682, 0)), BLACK_STEEL);
    const top = 0.11, bottom = 0.19, h = 0.69;
    for (let k = 0; k < 4; k++) {
      const a = Math.PI / 4 + (k * Math.PI) / 2;
      const c = Math.cos(a), s = Math.sin(a);
      const path: Vec3[] = [[bottom * s, 0.012, bottom * c], [top * s, h, top * c]];
      m.add(sweep(path, { radius: 0.012, segments: 14 }), BLACK_STEEL);
    }
    const ringY = 0.27;
    const ringR = bottom + ((top - bottom) * ringY) / h;
    m.add(place(torus(ringR, 0.009, 64, 12), translation(0, ringY, 0)), BLACK_STEEL);
    return m;
  },
};

export const furniture: ProductDef[] = [diningChair, loungeChair, sofa, coffeeTable, diningTable, sideTable, bookshelf, barStool];

