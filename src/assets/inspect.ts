// Inspect: what a merchant and the storefront need to know about a model, read from the glTF itself.
// Real-world size comes from the scene's bounding box: glTF units are metres (glTF 2.0 §3.4). Triangles and draw
// calls are counted as the viewer draws them: per node that shows a mesh, so a mesh used twice counts twice (and a
// file whose duplicate meshes were merged counts the same as before).
import { type Document, ImageUtils, type Node, type PlatformIO, type Scene, WebIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS, KHRMaterialsVariants } from '@gltf-transform/extensions';
import { getBounds, inspect as gltfInspect } from '@gltf-transform/functions';
import type { Dimensions } from '../domain/catalog.ts';
import type { Bounds } from '../domain/hotspots.ts';

export interface Inspection {
  readonly dimensions: Dimensions;
  /** The box the dimensions come from, in model coordinates: where hotspots may be placed. */
  readonly bounds: Bounds;
  readonly triangles: number;
  readonly drawCalls: number;
  readonly materials: number;
  readonly textures: number;
  readonly extensions: string[];
  readonly materialVariants: string[];
  /** Each texture's pixel size, read from its image header (null when the format's header is not understood). */
  readonly textureSizes: TextureSize[];
}

export interface TextureSize {
  readonly mimeType: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly bytes: number;
}

const NAME = 'inspect';

/**
 * Reads GLB bytes with no file system access. Draco/meshopt-compressed inputs need an `io` with their decoders
 * registered (tools.ts); the default reads everything else.
 */
export async function readGlb(bytes: Uint8Array, io?: PlatformIO): Promise<Document> {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== 'glTF') {
    throw new Error(`${NAME}: not a GLB file (no glTF magic)`);
  }
  return (io ?? new WebIO().registerExtensions(ALL_EXTENSIONS)).readBinary(bytes);
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
  for (const node of meshNodes(scene)) {
    for (const prim of node.getMesh()!.listPrimitives()) {
      drawCalls++;
      triangles += primitiveTriangles(prim.getMode(), prim.getIndices()?.getCount() ?? prim.getAttribute('POSITION')?.getCount() ?? 0);
    }
  }
  const variantsExt = root.listExtensionsUsed().find((e): e is KHRMaterialsVariants => e instanceof KHRMaterialsVariants);
  const materialVariants = variantsExt ? variantsExt.listVariants().map((v) => v.getName()) : [];
  return {
    dimensions: { width: round(max[0] - min[0]), height: round(max[1] - min[1]), depth: round(max[2] - min[2]) },
    bounds: { min: [round(min[0]), round(min[1]), round(min[2])], max: [round(max[0]), round(max[1]), round(max[2])] },
    triangles,
    drawCalls,
    materials: root.listMaterials().length,
    textures: report.textures.properties.length,
    extensions: root.listExtensionsUsed().map((e) => e.extensionName),
    materialVariants,
    textureSizes: root.listTextures().map((t) => {
      const image = t.getImage();
      let size: [number, number] | null = null;
      try {
        size = image ? (ImageUtils.getSize(image, t.getMimeType()) as [number, number] | null) : null;
      } catch {
        size = null; // a truncated or unknown header: the validator reports broken images, this is only a summary
      }
      return { mimeType: t.getMimeType(), width: size?.[0] ?? null, height: size?.[1] ?? null, bytes: image?.byteLength ?? 0 };
    }),
  };
}

/** Every node under the scene that shows a mesh, once per place it appears. */
export function meshNodes(scene: Scene): Node[] {
  const out: Node[] = [];
  scene.traverse((node) => {
    if (node.getMesh()) out.push(node);
  });
  return out;
}

/** Triangles drawn by a primitive of this mode with this many indices (or vertices, when not indexed). */
export function primitiveTriangles(mode: number, count: number): number {
  switch (mode) {
    case 4: // TRIANGLES
      return Math.floor(count / 3);
    case 5: // TRIANGLE_STRIP
    case 6: // TRIANGLE_FAN
      return Math.max(0, count - 2);
    default: // points and lines
      return 0;
  }
}
