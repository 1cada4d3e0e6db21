// Home: mug, vase, planter, serving bowl, teapot. Front faces +Z, units are metres.
import { extrude } from '../geometry/extrude.ts';
import { cylinder, lathe, sphere } from '../geometry/lathe.ts';
import { deform, place, rotationY, translation, type MeshData } from '../geometry/mesh.ts';
import { ellipse2 } from '../geometry/shapes2d.ts';
import { splinePath, sweep } from '../geometry/sweep.ts';
import type { Vec2 } from '../geometry/vec.ts';
import { ceramic, plastic, SOIL, stoneware, swatches } from '../materials.ts';
import { Model } from '../model.ts';
import type { ProductDef } from '../product-def.ts';
import { rng } from '../random.ts';

/** A quarter-round between two profile points (rims): from a to b bulging outwards around centre c. */
function roundTo(c: Vec2, r: number, a0: number, a1: number, steps = 5): Vec2[] {
  const out: Vec2[] = [];
  for (let k = 0; k <= steps; k++) {
    const a = a0 + ((a1 - a0) * k) / steps;
    out.push([c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)]);
  }
  return out;
}

const MUGS = swatches(ceramic, { Chalk: '#ecebe6', Sage: '#9fb09a', Clay: '#c9825f' });

const mug: ProductDef = {
  slug: 'ceramic-mug',
  title: 'Everyday Ceramic Mug',
  description:
    'A generous 350 ml stoneware mug with a comfortable loop handle and a smooth, glossy glaze. Thick walls keep coffee hot for longer. Dishwasher and microwave safe.',
  category: 'home',
  options: [{ name: 'Glaze', values: Object.keys(MUGS) }],
  variantOption: 'Glaze',
  price: 2400,
  view: { azimuth: 40, elevation: 22 },
  build() {
    const G = { slot: 'Glaze', byVariant: MUGS };
    const m = new Model();
    const profile: Vec2[] = [[0, 0.001], [0.034, 0.001], [0.037, 0], [0.0405, 0.004], [0.0425, 0.02], [0.043, 0.093], ...roundTo([0.0412, 0.093], 0.0018, 0, Math.PI, 6), [0.0394, 0.02], [0.037, 0.011], [0, 0.0095]];
    m.add(lathe(profile, { segments: 72, sharpDeg: 50 }), G);
    const handlePath = splinePath([[0.036, 0.076, 0], [0.058, 0.079, 0], [0.071, 0.062, 0], [0.066, 0.035, 0], [0.05, 0.024, 0], [0.036, 0.024, 0]], 10);
    m.add(sweep(handlePath, { shape: ellipse2(0.0048, 0.0068, 20), up: [0, 1, 0] }), G);
    return m;
  },
};

const VASES = swatches(ceramic, { Celadon: '#a9c3b0', Ink: '#2b3442', Sand: '#d8c7a6' });

const vase: ProductDef = {
  slug: 'fluted-vase',
  title: 'Fluted Stoneware Vase',
  description:
    'A hand-thrown vase with soft vertical flutes that catch the light. The narrow neck holds a few stems upright without fuss. Glazed inside, so it is fully watertight.',
  category: 'home',
  options: [{ name: 'Glaze', values: Object.keys(VASES) }],
  variantOption: 'Glaze',
  price: 6900,
  surcharge: { Ink: 500 },
  view: { elevation: 16 },
  build() {
    const m = new Model();
    const profile: Vec2[] = [[0, 0], [0.055, 0], [0.06, 0.004], [0.074, 0.03], [0.086, 0.085], [0.084, 0.13], [0.07, 0.18], [0.048, 0.225], [0.038, 0.26], [0.04, 0.285], ...roundTo([0.0435, 0.288], 0.0035, -Math.PI / 2 + 0.5, Math.PI, 5), [0.036, 0.27], [0.03, 0.25], [0, 0.248]];
    // Flutes fade out towards the neck so the rim stays round.
    const flutes = (theta: number, y: number, r: number): number => r * (1 + 0.03 * Math.cos(theta * 16) * (1 - Math.min(1, Math.max(0, (y - 0.2) / 0.05))));
    m.add(lathe(profile, { segments: 128, modulate: flutes }), { slot: 'Glaze', byVariant: VASES });
    return m;
  },
};

const POTS = swatches(stoneware, { Terracotta: '#b8643f', 'Speckled White': '#e6e1d8', Charcoal: '#3a3a3a' });

function leaf(height: number, width: number, lean: number, turn: number, seed: () => number): MeshData {
  // A strap-like leaf: an extruded lance outline, bent outward as it rises.
  const outline: Vec2[] = [];
  const n = 14;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    outline.push([(width / 2) * Math.sin(Math.PI * Math.min(1, t * 1.05)) ** 0.7, t * height]);
  }
  for (let i = n - 1; i >= 1; i--) {
    const t = i / n;
    outline.push([-(width / 2) * Math.sin(Math.PI * Math.min(1, t * 1.05)) ** 0.7, t * height]);
  }
  const flat = place(extrude(outline, 0.003), rotationY((seed() - 0.5) * 0.6));
  const bent = deform(flat, ([x, y, z]) => [x, y, z + lean * (y / height) ** 2 * height]);
  return place(bent, rotationY(turn));
}

const planter: ProductDef = {
  slug: 'planter',
  title: 'Stoneware Planter with Saucer',
  description:
    'A matte-glazed stoneware planter with a drainage hole and matching saucer. Shown with a snake plant for scale; the plant is not included. Three sizes for everything from herbs to small trees.',
  category: 'home',
  options: [
    { name: 'Colour', values: Object.keys(POTS) },
    { name: 'Size', values: ['Small', 'Medium', 'Large'] },
  ],
  variantOption: 'Colour',
  price: 3400,
  surcharge: { Medium: 1500, Large: 3500 },
  view: { elevation: 18, fill: 0.82 },
  build() {
    const P = { slot: 'Colour', byVariant: POTS };
    const m = new Model();
    m.add(lathe([[0, 0], [0.118, 0], [0.122, 0.004], [0.125, 0.018], [0.121, 0.018], [0.117, 0.007], [0, 0.007]], { segments: 96, sharpDeg: 40 }), P);
    const pot: Vec2[] = [[0, 0.007], [0.09, 0.007], [0.093, 0.01], [0.118, 0.19], [0.124, 0.19], [0.126, 0.194], [0.126, 0.208], [0.123, 0.212], [0.114, 0.212], [0.112, 0.205], [0.088, 0.03], [0, 0.03]];
    m.add(lathe(pot, { segments: 96, sharpDeg: 40 }), P);
    m.add(place(cylinder(0.108, 0.108, 0.005, 64), translation(0, 0.178, 0)), SOIL);
    const rand = rng('planter-leaves');
    const greens = [plastic('Leaf', '#3d6b35'), plastic('Leaf Light', '#5f8a3f')];
    for (let i = 0; i < 9; i++) {
      const turn = i * 2.39996 + rand() * 0.3; // golden angle spreads leaves evenly
      const h = 0.34 + rand() * 0.2;
      const l = leaf(h, 0.045 + rand() * 0.02, 0.08 + rand() * 0.12, turn, rand);
      const r = 0.02 + rand() * 0.05;
      m.add(place(l, translation(r * Math.sin(turn), 0.175, r * Math.cos(turn))), greens[i % 2]!);
    }
    return m;
  },
};

const BOWLS = swatches(ceramic, { 'Speckled Cream': '#e8dfcc', Midnight: '#283041', Moss: '#6f7a4c' });

const servingBowl: ProductDef = {
  slug: 'serving-bowl',
  title: 'Wide Serving Bowl',
  description:
    'A wide, shallow serving bowl for salads, pasta and fruit. The raised foot lifts it off the table and makes it easy to pick up. Each bowl is glazed by hand, so no two are exactly alike.',
  category: 'home',
  options: [{ name: 'Glaze', values: Object.keys(BOWLS) }],
  variantOption: 'Glaze',
  price: 4900,
  view: { elevation: 30 },
  build() {
    const m = new Model();
    const outer: Vec2[] = [];
    for (let k = 0; k <= 14; k++) {
      const a = (k / 14) * (Math.PI / 2);
      outer.push([0.07 + 0.072 * Math.sin(a), 0.012 + 0.078 * (1 - Math.cos(a))]);
    }
    const inner: Vec2[] = [];
    for (let k = 14; k >= 0; k--) {
      const a = (k / 14) * (Math.PI / 2);
      inner.push([0.066 + 0.07 * Math.sin(a) * 0.985, 0.019 + 0.075 * (1 - Math.cos(a))]);
    }
    const profile: Vec2[] = [[0, 0.005], [0.056, 0.005], [0.058, 0], [0.066, 0], [0.068, 0.008], ...outer, ...roundTo([0.1402, 0.09], 0.0022, 0, Math.PI, 5).slice(1, -1), ...inner, [0, 0.019]];
    m.add(lathe(profile, { segments: 96, sharpDeg: 50 }), { slot: 'Glaze', byVariant: BOWLS });
    return m;
  },
};

const teapot: ProductDef = {
  slug: 'teapot',
  title: 'Porcelain Teapot',
  description:
    'A one-litre porcelain teapot with a stainless infuser basket for loose leaves. The spout pours cleanly without dripping. Its rounded shape keeps tea warm through a second cup.',
  category: 'home',
  options: [],
  price: 5400,
  view: { azimuth: 20, elevation: 18 },
  build() {
    const porcelain = ceramic('Porcelain', '#f1efe9');
    const m = new Model();
    const body: Vec2[] = [];
    for (let k = 0; k <= 20; k++) {
      const a = -Math.PI / 2 + (k / 20) * Math.PI;
      body.push([Math.max(0, 0.085 * Math.cos(a) * (1 - 0.12 * Math.max(0, Math.sin(a)))), 0.065 + 0.065 * Math.sin(a)]);
    }
    body[0] = [0, 0.004];
    body.splice(1, 0, [0.045, 0.004], [0.05, 0]);
    body[body.length - 1] = [0.045, 0.128];
    body.push([0.043, 0.13], [0, 0.13]);
    m.add(lathe(body.filter((p, i) => i === 0 || p[1] >= 0), { segments: 72, sharpDeg: 50 }), porcelain);
    m.add(place(lathe([[0, 0], [0.05, 0], [0.05, 0.004], [0.046, 0.012], [0.03, 0.02], [0.012, 0.024], [0, 0.025]], { segments: 64, sharpDeg: 50 }), translation(0, 0.128, 0)), porcelain);
    m.add(place(sphere(0.011, 24, 12), translation(0, 0.158, 0)), porcelain);
    const spout = splinePath([[0.06, 0.05, 0], [0.095, 0.06, 0], [0.115, 0.095, 0], [0.135, 0.128, 0]], 10);
    m.add(sweep(spout, { radius: 0.016, segments: 20, taper: (t) => 1 - 0.55 * t }), porcelain);
    const handle = splinePath([[-0.07, 0.11, 0], [-0.11, 0.115, 0], [-0.13, 0.075, 0], [-0.11, 0.035, 0], [-0.075, 0.03, 0]], 10);
    m.add(sweep(handle, { shape: ellipse2(0.007, 0.01, 18), up: [0, 1, 0] }), porcelain);
    return m;
  },
};

export const home: ProductDef[] = [mug, vase, planter, servingBowl, teapot];
