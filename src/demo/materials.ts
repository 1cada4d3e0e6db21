// PBR metallic-roughness looks for the demo products, authored as sRGB hex and stored linear (glTF's convention).

export interface MaterialSpec {
  readonly name: string;
  readonly color: string; // sRGB hex, e.g. '#c8a27a'
  readonly metallic: number;
  readonly roughness: number;
}

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Linear RGBA for glTF's baseColorFactor; rounded so the output never depends on float noise. */
export function baseColorFactor(spec: MaterialSpec): [number, number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(spec.color);
  if (!m) throw new Error(`materials: ${spec.name} has an invalid colour ${spec.color}`);
  const ch = (h: string): number => Math.round(srgbToLinear(parseInt(h, 16) / 255) * 1e5) / 1e5;
  return [ch(m[1]!), ch(m[2]!), ch(m[3]!), 1];
}

const make = (metallic: number, roughness: number) => (name: string, color: string): MaterialSpec => ({ name, color, metallic, roughness });

// Families: roughness/metalness chosen per real material, the colour is the product's.
export const wood = make(0, 0.62);
export const lacquer = make(0, 0.35); // painted or lacquered wood
export const fabric = make(0, 0.92);
export const velvet = make(0, 0.8);
export const leather = make(0, 0.48);
export const metal = make(1, 0.28);
export const brushed = make(1, 0.45);
export const powder = make(0, 0.5); // powder-coated steel behaves like a dielectric paint
export const ceramic = make(0, 0.22); // glazed
export const stoneware = make(0, 0.7); // matte glaze
export const plastic = make(0, 0.42);
export const softTouch = make(0, 0.7);
export const rubber = make(0, 0.88);
export const glass = make(0, 0.05);
export const marble = make(0, 0.3);

// Shared swatches used across products.
export const OAK = wood('Oak', '#c9a06e');
export const WALNUT = wood('Walnut', '#6b4630');
export const BLACK_ASH = wood('Black', '#2b2927');
export const CHROME = { ...metal('Chrome', '#e4e5e8'), roughness: 0.12 };
export const BRASS = metal('Brass', '#d9b168');
export const BLACK_STEEL = powder('Black Steel', '#222222');
export const WHITE_STEEL = powder('White Steel', '#eeeeea');
export const ALUMINIUM = brushed('Aluminium', '#c7c9cc');
export const RUBBER_BLACK = rubber('Rubber', '#1e1e1e');
export const SOIL = fabric('Soil', '#3b2a20');
export const LEAF = plastic('Leaf', '#3f7a3a');

/** Builds a variant → material table, keeping the option's value order (the first is the default). */
export function swatches(family: (name: string, color: string) => MaterialSpec, table: Record<string, string>): Record<string, MaterialSpec> {
  const out: Record<string, MaterialSpec> = {};
  for (const [name, color] of Object.entries(table)) out[name] = family(name, color);
  return out;
}
