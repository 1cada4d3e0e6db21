// Inspect: what a merchant and the storefront need to know about a model, read from the glTF itself.
// Real-world size comes from the scene's bounding box: glTF units are metres (glTF 2.0 §3.4).
import { type Document, WebIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS, KHRMaterialsVariants } from '@gltf-transform/extensions';
import { getBounds, inspect as gltfInspect } from '@gltf-transform/functions';
import type { Dimensions } from '../domain/catalog.ts';

export interface Inspection {
  readonly dimensions: Dimensions;
  readonly triangles: number;
  readonly drawCalls: number;
  readonly materials: number;
  readonly textures: number;
  readonly extensions: string[];
  readonly materialVariants: string[];
}

const NAME = 'inspect';

/** WebIO reads GLB bytes with no file system access; Draco/meshopt-compressed inputs need their decoders registered. */
export async function readGlb(bytes: Uint8Array): Promise<Document> {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== 'glTF') {
    throw new Error(`${NAME}: not a GLB file (no glTF magic)`);
  }
  return new WebIO().registerExtensions(ALL_EXTENSIONS).readBinary(bytes);
}

export function inspectDocument(doc: Document): Inspection {
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  if (!scene) throw new Error(`${NAME}: the model has no scene`);
  const { min, max } = getBounds(scene);
  const round = (m: number): number => Math.round(m * 10_000) / 10_000; // 0.1 mm
  const report = gltfInspect(doc);
  let triangles = 0;
  let drawCalls = 0;
  for (const mesh of root.listMeshes()) {
    for (const prim of mesh.listPrimitives()) {
      drawCalls++;
      const count = prim.getIndices()?.getCount() ?? prim.getAttribute('POSITION')?.getCount() ?? 0;
      if (prim.getMode() === 4) triangles += count / 3;
    }
  }
  const variantsExt = root.listExtensionsUsed().find((e): e is KHRMaterialsVariants => e instanceof KHRMaterialsVariants);
  const materialVariants = variantsExt ? variantsExt.listVariants().map((v) => v.getName()) : [];
  return {
    dimensions: { width: round(max[0] - min[0]), height: round(max[1] - min[1]), depth: round(max[2] - min[2]) },
    triangles: Math.round(triangles),
    drawCalls,
    materials: root.listMaterials().length,
    textures: report.textures.properties.length,
    extensions: root.listExtensionsUsed().map((e) => e.extensionName),
    materialVariants,
  };
}
