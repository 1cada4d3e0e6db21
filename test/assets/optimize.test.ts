// The optimize step on real models and on models built to break optimisers: outputs validate with no errors (their
// compressed geometry decoded and validated too), keep every extension, variant and triangle, and are smaller; what
// cannot be kept falls back to the original and says why.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Document, Material } from '@gltf-transform/core';
import type { MappingList, Transform } from '@gltf-transform/extensions';
import { inspectDocument, meshNodes } from '../../src/assets/inspect.ts';
import { ENCODING_EXTENSIONS, describeSettings, optimize } from '../../src/assets/optimize.ts';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { validate } from '../../src/assets/validate.ts';
import { demoModel, editGlbJson, noModels, realModel, trickyModel } from './fixtures.ts';

let tools: PipelineTools;
before(async () => {
  tools = await loadPipelineTools();
});

const read = (glb: Uint8Array): Promise<Document> => tools.io.readBinary(glb);
const meaningful = (doc: Document): string[] =>
  doc.getRoot().listExtensionsUsed().map((e) => e.extensionName).filter((e) => !ENCODING_EXTENSIONS.includes(e)).sort();

/** Per drawn primitive, per variant: the mapped material's colour and name (what the shopper would see). */
function variantLooks(doc: Document): string[] {
  const looks: string[] = [];
  for (const node of meshNodes(doc.getRoot().getDefaultScene()!)) {
    for (const prim of node.getMesh()!.listPrimitives()) {
      const list = prim.getExtension<MappingList>('KHR_materials_variants');
      for (const m of list?.listMappings() ?? []) {
        const mat: Material | null = m.getMaterial();
        for (const v of m.listVariants()) looks.push(`${v.getName()} → ${mat?.getName()} ${mat?.getBaseColorFactor().map((c) => c.toFixed(3)).join(',')}`);
      }
    }
  }
  return looks.sort();
}

/** An AVIF's chroma subsampling, from its AV1 configuration box (av1C: the 3rd byte holds subsampling x and y). */
function avifChroma(image: Uint8Array): string {
  const at = Buffer.from(image).indexOf('av1C');
  assert.ok(at > 0, 'an AV1 configuration box');
  const bits = image[at + 4 + 2]!;
  return `4:${(bits >> 3) & 1 ? 2 : 4}:${(bits >> 2) & 1 ? 0 : (bits >> 3) & 1 ? 2 : 4}`;
}

async function assertOptimised(input: Uint8Array): Promise<{ out: Document; inp: Document; bytesAfter: number }> {
  const result = await optimize(input, tools);
  assert.equal(result.usedOriginal, false, `fell back: ${result.fallbacks.join('; ')}`);
  assert.deepEqual(result.fallbacks, []);
  assert.ok(result.glb.byteLength < input.byteLength, `${result.glb.byteLength} < ${input.byteLength} bytes`);

  // Validated here again, independently of the step's own check, decoded geometry included.
  const v = await validate(result.glb, tools);
  assert.equal(v.errors, 0, JSON.stringify(v.messages.filter((m) => m.severity === 'error')));
  assert.deepEqual(v.compressed, ['EXT_meshopt_compression']);
  assert.equal(v.decodedChecked, true);

  const [inp, out] = await Promise.all([read(input), read(result.glb)]);
  assert.deepEqual(meaningful(out), meaningful(inp), 'every extension the input uses survives');
  const [a, b] = [inspectDocument(inp), inspectDocument(out)];
  assert.equal(b.triangles, a.triangles, 'no triangle was removed');
  assert.deepEqual(b.materialVariants, a.materialVariants);
  // Quantised positions move by at most 1/16383 of the model's extent: the size may round to the next 0.1 mm.
  for (const k of ['width', 'height', 'depth'] as const) {
    assert.ok(Math.abs(b.dimensions[k] - a.dimensions[k]) <= 0.00015, `${k} ${b.dimensions[k]} ≈ ${a.dimensions[k]} m`);
  }
  assert.equal(result.stats.trianglesAfter, a.triangles);
  assert.equal(result.stats.bytesBefore, input.byteLength);
  assert.equal(result.stats.bytesAfter, result.glb.byteLength);
  return { out, inp, bytesAfter: result.glb.byteLength };
}

describe('optimize', () => {
  it('WaterBottle: meshopt geometry and WebP textures, validated, same triangles, smaller', { skip: noModels }, async () => {
    const input = realModel('WaterBottle.glb');
    const { out, bytesAfter } = await assertOptimised(input);
    assert.ok(out.getRoot().listTextures().every((t) => t.getMimeType() === 'image/webp'));
    assert.ok(out.getRoot().listExtensionsUsed().some((e) => e.extensionName === 'EXT_texture_webp'));
    console.log(`WaterBottle ${input.byteLength} → ${bytesAfter} bytes`);
  });

  it('Corset: validated, same triangles, smaller', { skip: noModels }, async () => {
    const input = realModel('Corset.glb');
    const { bytesAfter } = await assertOptimised(input);
    console.log(`Corset ${input.byteLength} → ${bytesAfter} bytes`);
  });

  it('a demo product keeps its KHR_materials_variants: every variant listed and mapped to the same look', async () => {
    const input = await demoModel('lounge-chair');
    const { inp, out, bytesAfter } = await assertOptimised(input);
    assert.deepEqual(inspectDocument(out).materialVariants, ['Cognac Leather', 'Black Leather', 'Sage Boucle']);
    const looks = variantLooks(out);
    assert.ok(looks.length >= 3);
    assert.deepEqual(looks, variantLooks(inp));
    console.log(`lounge-chair ${input.byteLength} → ${bytesAfter} bytes`);
  });

  it('keeps a UV set only a variant uses, texture transforms, sheen, transmission, volume and emissive strength', async () => {
    const input = await trickyModel();
    const { out } = await assertOptimised(input);
    assert.deepEqual(meaningful(out), [
      'KHR_materials_emissive_strength',
      'KHR_materials_sheen',
      'KHR_materials_transmission',
      'KHR_materials_variants',
      'KHR_materials_volume',
      'KHR_texture_transform',
    ]);
    const panel = out.getRoot().listNodes().find((n) => n.getName() === 'panel')!.getMesh()!.listPrimitives()[0]!;
    assert.ok(panel.getAttribute('TEXCOORD_1'), 'the UV set the Patterned variant reads is still there');
    const patterned = out.getRoot().listMaterials().find((m) => m.getName() === 'Patterned')!;
    const info = patterned.getBaseColorTextureInfo()!;
    assert.equal(info.getTexCoord(), 1);
    const transform = info.getExtension<Transform>('KHR_texture_transform')!;
    assert.deepEqual(transform.getScale(), [0.5, 0.5]);
    assert.ok(Math.abs(transform.getRotation() - 0.3) < 1e-6);
    assert.deepEqual(variantLooks(out), variantLooks(await read(input)));
  });

  it('resizes textures above maxTextureSize and can use Draco instead of meshopt', { skip: noModels }, async () => {
    const result = await optimize(realModel('WaterBottle.glb'), { ...tools, maxTextureSize: 128, geometry: 'draco' });
    assert.equal(result.usedOriginal, false, result.fallbacks.join('; '));
    const doc = await read(result.glb);
    assert.deepEqual(inspectDocument(doc).textureSizes.map((t) => [t.width, t.height]), [[128, 128], [128, 128], [128, 128], [128, 128]]);
    assert.equal(result.validation.errors, 0);
    assert.deepEqual(result.validation.compressed, ['KHR_draco_mesh_compression']);
    assert.equal(result.validation.decodedChecked, true);
  });

  it('AVIF 4:4:4 textures and tangents left to the viewer: validated, smaller than WebP, nothing else lost', { skip: noModels }, async () => {
    const input = realModel('WaterBottle.glb');
    const webp = await optimize(input, tools);
    const avif = await optimize(input, { ...tools, textureFormat: 'avif', textureQuality: 55, dropTangents: true });
    assert.equal(avif.usedOriginal, false, avif.fallbacks.join('; '));
    assert.equal(avif.validation.errors, 0);
    const doc = await read(avif.glb);
    assert.ok(doc.getRoot().listTextures().every((t) => t.getMimeType() === 'image/avif'));
    assert.ok(doc.getRoot().listExtensionsUsed().some((e) => e.extensionName === 'EXT_texture_avif' && e.isRequired()));
    assert.ok(!doc.getRoot().listExtensionsUsed().some((e) => e.extensionName === 'EXT_texture_webp'), 'no unused extension declared');
    for (const t of doc.getRoot().listTextures()) assert.equal(avifChroma(t.getImage()!), '4:4:4', 'full-resolution chroma: normal maps keep their X and Y');
    const prims = doc.getRoot().listMeshes().flatMap((m) => m.listPrimitives());
    assert.ok(prims.every((p) => p.getAttribute('TANGENT') === null));
    assert.ok((await read(input)).getRoot().listMeshes().some((m) => m.listPrimitives().some((p) => p.getAttribute('TANGENT'))), 'the input had them');
    assert.equal(avif.stats.trianglesAfter, avif.stats.trianglesBefore);
    assert.ok(avif.glb.byteLength < webp.glb.byteLength, `${avif.glb.byteLength} < ${webp.glb.byteLength} bytes`);
    assert.match(describeSettings(avif.settings!), /\(tangents left to the viewer\), AVIF 4:4:4 q55,/);
    await assert.rejects(optimize(input, { ...tools, textureFormat: 'avif', losslessTextures: true }), /lossless textures are WebP only/);
  });

  it('stores one copy of identical images, whatever the textures are called', async () => {
    // As exporters write it: the same image twice under two names (e.g. occlusion and metal-rough from one file).
    const doc = await read(await trickyModel('Patterned'));
    const copy = doc.getRoot().listTextures()[0]!.clone().setName('pattern-copy');
    doc.getRoot().listMaterials().find((m) => m.getName() === 'Glow')!.setBaseColorTexture(copy);
    const twice = await tools.io.writeBinary(doc);
    assert.equal((await read(twice)).getRoot().listTextures().length, 2);
    const result = await optimize(twice, tools);
    assert.equal(result.usedOriginal, false, result.fallbacks.join('; '));
    const out = await read(result.glb);
    assert.equal(out.getRoot().listTextures().length, 1);
    const names = out.getRoot().listMaterials().map((m) => m.getName()).sort();
    assert.deepEqual(names, ['Glass', 'Glow', 'Patterned', 'Plain'], 'materials keep their names');
  });

  it('keeps the original, and says why, when an extension would be lost', async () => {
    const input = editGlbJson(await demoModel('bar-stool'), (json) => {
      json.extensionsUsed = [...((json.extensionsUsed as string[] | undefined) ?? []), 'VENDOR_anchor_points'];
      (json.nodes as { extensions?: object }[])[0]!.extensions = { VENDOR_anchor_points: { points: [[0, 1, 0]] } };
    });
    assert.equal((await validate(input, tools)).errors, 0, 'an unknown extension is valid glTF');
    const result = await optimize(input, tools);
    assert.equal(result.usedOriginal, true);
    assert.equal(result.glb, input);
    assert.equal(result.settings, null);
    assert.match(result.fallbacks.join('\n'), /VENDOR_anchor_points.*kept the original/);
  });

  it('checks its options before any work', async () => {
    const input = await demoModel('bar-stool');
    await assert.rejects(optimize(input, { ...tools, maxTextureSize: 0 }), /^Error: optimize: Requires maxTextureSize/);
    await assert.rejects(optimize(input, { ...tools, meshoptEncoder: undefined }), /^Error: optimize: geometry 'meshopt' requires meshoptEncoder/);
    await assert.rejects(optimize(input, { ...tools, simplify: 1.5 }), /^Error: optimize: Requires 0 < simplify < 1/);
  });
});
