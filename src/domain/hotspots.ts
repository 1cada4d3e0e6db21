// Hotspots: labelled points a merchant pins on a 3D model ("Soft-close hinge"), shown by the storefront's viewer as
// buttons anchored to the model. Plain rules, no I/O: the API checks a merchant's list with them before storing it
// on the asset.
//
// Positions and normals are in the model's own coordinates (metres), as model-viewer's positionAndNormalFromPoint
// gives them and its data-position/data-normal take them. A position must lie in the model's bounding box: the
// viewer picks points on the surface, so anything far outside is a mistake (or a hand-made request) that would float
// in the air. The box is the one the asset pipeline measured; assets processed before it kept one only have their
// size, and then a generous box around the origin stands in for it.
import { CatalogRuleError } from './catalog.ts';

export type Vec3 = readonly [number, number, number];

export interface Hotspot {
  /** Stable within the model: names the viewer's slot (`hotspot-<id>`), so letters, digits and hyphens only. */
  readonly id: string;
  readonly label: string;
  readonly position: Vec3;
  /** The surface's outward direction there, unit length: the viewer dims a hotspot facing away. */
  readonly normal: Vec3;
}

/** The model's axis-aligned bounding box, in metres. */
export interface Bounds {
  readonly min: Vec3;
  readonly max: Vec3;
}

export const MAX_HOTSPOTS = 24;
export const MAX_HOTSPOT_LABEL = 80;
export const HOTSPOT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/**
 * How far outside the box a position may be, as a share of the model's largest side: the published model is
 * quantised (meshopt), so the surface the viewer hits can stick out of the measured box by a hair.
 */
const BOX_SLACK = 0.02;
/** Coordinates are kept to a hundredth of a millimetre, normals to 1e-6: more is noise from the picking ray. */
const POSITION_STEP = 1e5;
const NORMAL_STEP = 1e6;

/** The box hotspots must lie in: the measured one, else a box of twice the largest side around the origin; null when nothing is known. */
export function hotspotBox(asset: { readonly bounds?: Bounds; readonly dimensions?: { width: number; height: number; depth: number } }): Bounds | null {
  if (asset.bounds) return asset.bounds;
  const d = asset.dimensions;
  if (!d) return null;
  const r = Math.max(d.width, d.height, d.depth);
  return { min: [-r, -r, -r], max: [r, r, r] };
}

/**
 * Checks a merchant's hotspots for a model whose box is `box`, and returns them tidied (labels trimmed, normals of
 * unit length, numbers rounded). Throws CatalogRuleError naming the first problem as `hotspots[i].field: …`.
 */
export function checkHotspots(list: readonly Hotspot[], box: Bounds): Hotspot[] {
  if (list.length > MAX_HOTSPOTS) throw new CatalogRuleError(`hotspots: at most ${MAX_HOTSPOTS} per model (got ${list.length})`);
  const ids = new Set<string>();
  const side = Math.max(...[0, 1, 2].map((i) => box.max[i]! - box.min[i]!), 0);
  const slack = side * BOX_SLACK + 1e-6;
  return list.map((h, i) => {
    const at = `hotspots[${i}]`;
    if (!HOTSPOT_ID.test(h.id)) throw new CatalogRuleError(`${at}.id: must be 1–40 lowercase letters, digits or hyphens`);
    if (ids.has(h.id)) throw new CatalogRuleError(`${at}.id: ${h.id} is used twice`);
    ids.add(h.id);
    const label = h.label.trim();
    if (label.length === 0) throw new CatalogRuleError(`${at}.label: must not be empty`);
    if ([...label].length > MAX_HOTSPOT_LABEL) throw new CatalogRuleError(`${at}.label: must be at most ${MAX_HOTSPOT_LABEL} characters`);
    if (/\p{Cc}/u.test(label)) throw new CatalogRuleError(`${at}.label: must not contain control characters`);
    if (!isVec3(h.position)) throw new CatalogRuleError(`${at}.position: must be three finite numbers [x, y, z] in metres`);
    if (!isVec3(h.normal)) throw new CatalogRuleError(`${at}.normal: must be three finite numbers [x, y, z]`);
    h.position.forEach((v, axis) => {
      if (v < box.min[axis]! - slack || v > box.max[axis]! + slack) {
        const name = 'xyz'[axis];
        throw new CatalogRuleError(
          `${at}.position: ${name} = ${v} m is outside the model, which spans ${box.min[axis]} … ${box.max[axis]} m on ${name}`,
        );
      }
    });
    const length = Math.hypot(...h.normal);
    if (!(length > 1e-6)) throw new CatalogRuleError(`${at}.normal: must not be zero`);
    return {
      id: h.id,
      label,
      position: h.position.map((v) => round(v, POSITION_STEP)) as unknown as Vec3, // a map of a tuple is a tuple
      normal: h.normal.map((v) => round(v / length, NORMAL_STEP)) as unknown as Vec3,
    };
  });
}

function isVec3(v: unknown): v is Vec3 {
  return Array.isArray(v) && v.length === 3 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}

function round(v: number, step: number): number {
  const r = Math.round(v * step) / step;
  return Object.is(r, -0) ? 0 : r;
}
