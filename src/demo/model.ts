// Collects a product's meshes by material and writes them as a glTF-Transform Document / GLB, with
// KHR_materials_variants on the primitives whose material follows the product's colour option.
import { Document, NodeIO, type Material } from '@gltf-transform/core';
import { KHRMaterialsVariants } from '@gltf-transform/extensions';
import { bounds, merge, place, translation, triangleCount, type MeshData } from './geometry/mesh.ts';
import { baseColorFactor, type MaterialSpec } from './materials.ts';

/** A material that changes with the product's variant: one spec per variant name, in option order. */
export interface VariantMaterial {
  readonly slot: string; // e.g. 'Upholstery'
  readonly byVariant: Readonly<Record<string, MaterialSpec>>;
}

type Slot = MaterialSpec | VariantMaterial;
const isVariant = (s: Slot): s is VariantMaterial => 'byVariant' in s;

export class Model {
  private readonly groups = new Map<string, { slot: Slot; meshes: MeshData[] }>();

  add(mesh: MeshData, material: Slot): this {
    const key = isVariant(material) ? `variant:${material.slot}` : `static:${material.name}`;
    const g = this.groups.get(key);
    if (g) {
      if (JSON.stringify(g.slot) !== JSON.stringify(material)) throw new Error(`model: two different materials are both called ${key}`);
      g.meshes.push(mesh);
    } else this.groups.set(key, { slot: material, meshes: [mesh] });
    return this;
  }

  /** The variant names the model declares (union over variant slots, first-seen order). */
  variantNames(): string[] {
    const names: string[] = [];
    for (const { slot } of this.groups.values()) if (isVariant(slot)) for (const n of Object.keys(slot.byVariant)) if (!names.includes(n)) names.push(n);
    return names;
  }

  entries(): { slot: Slot; mesh: MeshData }[] {
    return [...this.groups.values()].map((g) => ({ slot: g.slot, mesh: merge(...g.meshes) }));
  }
}

export interface BuiltModel {
  doc: Document;
  glb: Uint8Array;
  dimensions: { width: number; height: number; depth: number };
  /** The box `dimensions` was measured from (where hotspots may be placed). */
  bounds: { min: [number, number, number]; max: [number, number, number] };
  triangles: number;
  variants: string[];
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4; // 0.1 mm

export async function buildDocument(model: Model, name: string, variantOrder: readonly string[]): Promise<BuiltModel> {
  const entries = model.entries();
  if (entries.length === 0) throw new Error(`model: ${name} has no geometry`);
  // Rest on y=0, centred on x/z: the storefront's AR placement and the poster's framing assume it.
  const b = bounds(...entries.map((e) => e.mesh));
  const shift = translation(-(b.min[0] + b.max[0]) / 2, -b.min[1], -(b.min[2] + b.max[2]) / 2);
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'Vitrine demo catalog generator';
  const buffer = doc.createBuffer();
  const ext = doc.createExtension(KHRMaterialsVariants);
  const variantByName = new Map(variantOrder.map((v) => [v, ext.createVariant(v)] as const));
  // One glTF material per name, shared by every primitive using it; a name reused for a different look is a bug.
  const materials = new Map<string, { spec: MaterialSpec; material: Material }>();
  const materialFor = (spec: MaterialSpec): Material => {
    const known = materials.get(spec.name);
    if (known) {
      if (JSON.stringify(known.spec) !== JSON.stringify(spec)) throw new Error(`model: ${name} has two different materials named ${spec.name}`);
      return known.material;
    }
    const material = doc.createMaterial(spec.name).setBaseColorFactor(baseColorFactor(spec)).setMetallicFactor(spec.metallic).setRoughnessFactor(spec.roughness);
    materials.set(spec.name, { spec, material });
    return material;
  };
  const mesh = doc.createMesh(name);
  let triangles = 0;
  for (const { slot, mesh: raw } of entries) {
    const m = place(raw, shift);
    const vertexCount = m.positions.length / 3;
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(new Float32Array(m.positions)).setBuffer(buffer))
      .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(new Float32Array(m.normals)).setBuffer(buffer))
      .setAttribute('TEXCOORD_0', doc.createAccessor().setType('VEC2').setArray(new Float32Array(m.uvs)).setBuffer(buffer))
      .setIndices(doc.createAccessor().setType('SCALAR').setArray(vertexCount > 65535 ? new Uint32Array(m.indices) : new Uint16Array(m.indices)).setBuffer(buffer));
    triangles += triangleCount(m);
    if (isVariant(slot)) {
      const names = Object.keys(slot.byVariant);
      if (JSON.stringify(names) !== JSON.stringify(variantOrder)) {
        throw new Error(`model: ${name} slot ${slot.slot} has variants ${names.join(', ')}, expected ${variantOrder.join(', ')}`);
      }
      prim.setMaterial(materialFor(slot.byVariant[names[0]!]!)); // viewers without the extension show the first value
      const list = ext.createMappingList();
      for (const v of names) list.addMapping(ext.createMapping().addVariant(variantByName.get(v)!).setMaterial(materialFor(slot.byVariant[v]!)));
      prim.setExtension('KHR_materials_variants', list);
    } else {
      prim.setMaterial(materialFor(slot));
    }
    mesh.addPrimitive(prim);
  }
  if (variantOrder.length === 0) ext.dispose(); // no empty extension block in plain models
  doc.createScene(name).addChild(doc.createNode(name).setMesh(mesh));
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]!);
  const io = new NodeIO().registerExtensions([KHRMaterialsVariants]);
  const glb = await io.writeBinary(doc);
  return {
    doc,
    glb,
    dimensions: { width: round(b.max[0] - b.min[0]), height: round(b.max[1] - b.min[1]), depth: round(b.max[2] - b.min[2]) },
    bounds: { min: [round(b.min[0]), round(b.min[1]), round(b.min[2])], max: [round(b.max[0]), round(b.max[1]), round(b.max[2])] },
    triangles,
    variants: [...variantOrder],
  };
}
