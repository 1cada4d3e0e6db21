// Lighting: floor lamp, architect desk lamp, pendant. Front faces +Z, units are metres.
import { cylinder, lathe, sphere } from '../geometry/lathe.ts';
import { place, rotationX, rotationZ, translation } from '../geometry/mesh.ts';
import { sweep } from '../geometry/sweep.ts';
import type { Vec2, Vec3 } from '../geometry/vec.ts';
import { BLACK_STEEL, BRASS, CHROME, fabric, plastic, powder, metal, swatches } from '../materials.ts';
import { Model } from '../model.ts';
import type { ProductDef } from '../product-def.ts';
import { roundedDiscProfile, shell } from './parts.ts';

const BULB = plastic('Opal Glass', '#f4f1ea');

const SHADES = swatches(fabric, { Linen: '#e8e0cf', Charcoal: '#3c3d40', Terracotta: '#b4623f' });

const floorLamp: ProductDef = {
  slug: 'floor-lamp',
  title: 'Column Floor Lamp',
  description:
    'A slender brass floor lamp with a tapered fabric drum shade that casts a warm, even light. The weighted steel base keeps it steady on rugs. A foot switch sits in the cable.',
  category: 'lighting',
  options: [{ name: 'Shade', values: Object.keys(SHADES) }],
  variantOption: 'Shade',
  price: 21900,
  surcharge: { Terracotta: 1500 },
  view: { elevation: 14, fill: 0.84 },
  build() {
    const m = new Model();
    m.add(lathe(roundedDiscProfile(0.15, 0.026, 0.01), { segments: 64 }), BLACK_STEEL);
    m.add(place(cylinder(0.011, 0.011, 1.33, 24), translation(0, 0.02, 0)), BRASS);
    m.add(shell([[0.22, 1.24], [0.19, 1.6]], 0.004, 96), { slot: 'Shade', byVariant: SHADES });
    for (let k = 0; k < 3; k++) {
      const a = (k * 2 * Math.PI) / 3;
      const end: Vec3 = [0.185 * Math.sin(a), 1.585, 0.185 * Math.cos(a)];
      m.add(sweep([[0, 1.55, 0], end], { radius: 0.0025, segments: 8 }), BRASS);
    }
    m.add(place(cylinder(0.02, 0.016, 0.05, 24), translation(0, 1.35, 0)), BRASS);
    m.add(place(sphere(0.04, 32, 16), translation(0, 1.44, 0)), BULB);
    return m;
  },
};

const DESK = {
  Black: powder('Black', '#1f1f1f'),
  White: powder('White', '#efeeea'),
  Red: powder('Red', '#b3261e'),
};

const deskLamp: ProductDef = {
  slug: 'desk-lamp',
  title: 'Architect Desk Lamp',
  description:
    'A classic balanced-arm desk lamp that stays exactly where you point it. The steel head swivels to aim light at the page, not your eyes. Takes any standard LED bulb.',
  category: 'lighting',
  options: [{ name: 'Colour', values: Object.keys(DESK) }],
  variantOption: 'Colour',
  price: 12900,
  view: { azimuth: 50, elevation: 16 },
  build() {
    const C = { slot: 'Colour', byVariant: DESK };
    const m = new Model();
    m.add(lathe(roundedDiscProfile(0.085, 0.028, 0.01), { segments: 64 }), C);
    const base: Vec3 = [0, 0.05, -0.02], elbow: Vec3 = [0, 0.33, -0.1], tip: Vec3 = [0, 0.42, 0.16];
    m.add(place(cylinder(0.016, 0.014, 0.03, 24), translation(0, 0.026, -0.02)), C);
    for (const x of [-0.011, 0.011]) {
      m.add(sweep([[x, base[1], base[2]], [x, elbow[1], elbow[2]]], { radius: 0.0055, segments: 12 }), C);
      m.add(sweep([[x, elbow[1], elbow[2]], [x, tip[1], tip[2]]], { radius: 0.005, segments: 12 }), C);
    }
    for (const p of [base, elbow, tip]) m.add(place(cylinder(0.012, 0.012, 0.036, 20), rotationZ(-Math.PI / 2), translation(-0.018, p[1], p[2])), BLACK_STEEL);
    // Spring on the lower arm, a detail that makes it read as a balanced-arm lamp.
    const spring: Vec3[] = [];
    for (let i = 0; i <= 240; i++) {
      const t = i / 240, a = t * Math.PI * 2 * 18;
      spring.push([0.028 + 0.005 * Math.cos(a), 0.09 + t * 0.18 + 0.005 * Math.sin(a), -0.03 - t * 0.055]);
    }
    m.add(sweep(spring, { radius: 0.0012, segments: 6 }), CHROME);
    // Head: a conical shade whose opening points forward and down.
    const head = shell([[0.07, 0], [0.062, 0.03], [0.03, 0.085], [0.022, 0.1], [0, 0.104]], 0.0025, 64);
    const neck = place(cylinder(0.012, 0.012, 0.03, 16), translation(0, 0.1, 0));
    const bulb = place(sphere(0.026, 24, 12), translation(0, 0.05, 0));
    // Opening forward and down; the neck (local y ≈ 0.115) lands on the arm tip.
    const tilt = -1.04;
    const orient = [rotationX(tilt), translation(tip[0], tip[1] - 0.115 * Math.cos(tilt), tip[2] - 0.115 * Math.sin(tilt))] as const;
    m.add(place(head, ...orient), C);
    m.add(place(neck, ...orient), BLACK_STEEL);
    m.add(place(bulb, ...orient), BULB);
    return m;
  },
};

const PENDANTS = { Brass: metal('Brass', '#d9b168'), Black: powder('Black', '#1d1d1d'), Sage: powder('Sage', '#8fa08a') };

const pendant: ProductDef = {
  slug: 'pendant-light',
  title: 'Dome Pendant Light',
  description:
    'A spun-metal dome pendant that throws a pool of light over a dining table or kitchen island. The cord is adjustable up to two metres. The ceiling canopy hides the wiring neatly.',
  category: 'lighting',
  options: [{ name: 'Finish', values: Object.keys(PENDANTS) }],
  variantOption: 'Finish',
  price: 17900,
  surcharge: { Brass: 3000 },
  view: { elevation: 12 },
  build() {
    const m = new Model();
    const dome: Vec2[] = [];
    for (let k = 0; k <= 16; k++) {
      const a = (k / 16) * (Math.PI / 2);
      dome.push([0.022 + 0.19 * Math.cos(a), 0.19 * Math.sin(a) ** 0.9]);
    }
    dome.push([0, 0.19]);
    m.add(shell(dome, 0.003, 96), { slot: 'Finish', byVariant: PENDANTS });
    m.add(place(cylinder(0.018, 0.015, 0.04, 24), translation(0, 0.185, 0)), BLACK_STEEL);
    m.add(place(cylinder(0.003, 0.003, 0.55, 10), translation(0, 0.22, 0)), BLACK_STEEL);
    m.add(place(lathe(roundedDiscProfile(0.06, 0.025, 0.008), { segments: 48 }), translation(0, 0.77, 0)), BLACK_STEEL);
    m.add(place(sphere(0.045, 32, 16), translation(0, 0.07, 0)), BULB);
    return m;
  },
};

export const lighting: ProductDef[] = [floorLamp, deskLamp, pendant];
