// Models for the asset pipeline's tests: the real ones in ../shared/models (skipped with a reason when absent), a
// generated demo product (always available: KHR_materials_variants), and a small hand-built model that uses the
// extensions an optimiser is most likely to break.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import {
  KHRMaterialsEmissiveStrength,
  KHRMaterialsSheen,
  KHRMaterialsTransmission,
  KHRMaterialsVariants,
  KHRMaterialsVolume,
  KHRTextureTransform,
} from '@gltf-transform/extensions';
import sharp from 'sharp';
import { demoProductDefs, generateDemoProduct } from '../../src/demo/index.ts';

export const MODELS = path.resolve('../shared/models');
export const haveModels = existsSync(path.join(MODELS, 'WaterBottle.glb'));
export const noModels = haveModels ? false : `${MODELS} is absent (the real glTF models live in ../shared/models)`;
if (noModels) console.log(`# skipping real-model tests: ${noModels}`);

export const CHROMIUM = '/usr/bin/chromium';
export const noChromium =
  existsSync(CHROMIUM) || process.env.CI === 'true' ? false : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
if (noChromium) console.log(`# skipping browser tests: ${noChromium}`);

export function realModel(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(MODELS, name)));
}

const demoCache = new Map<string, Promise<Uint8Array>>();

/** A generated demo product's GLB (KHR_materials_variants on its colour option), e.g. 'bar-stool'. */
export function demoModel(slug: string): Promise<Uint8Array> {
  let glb = demoCache.get(slug);
  if (!glb) {
    const def = demoProductDefs().find((d) => d.slug === slug);
    if (!def) throw new Error(`no demo product ${slug}`);
    glb = generateDemoProduct(def, 10, 'USD').then((p) => p.glb);
    demoCache.set(slug, glb);
  }
  return glb;
}

/**
 * A small model built to trip an optimiser: two variants, where only the second variant's material reads a texture,
 * through TEXCOORD_1 with KHR_texture_transform (attribute pruning drops that UV set: FIELD-NOTES), and materials
 * with sheen, transmission + volume and emissive strength. `shown` picks the variant a viewer without the extension
 * (or a USDZ) shows.
 */
export async function trickyModel(shown: 'Plain' | 'Patterned' = 'Plain'): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const variantsExt = doc.createExtension(KHRMaterialsVariants);
  const transformExt = doc.createExtension(KHRTextureTransform);
  const sheenExt = doc.createExtension(KHRMaterialsSheen);
  const transmissionExt = doc.createExtension(KHRMaterialsTransmission);
  const volumeExt = doc.createExtension(KHRMaterialsVolume);
  const emissiveExt = doc.createExtension(KHRMaterialsEmissiveStrength);

  // A 16×16 grid of quads (512 triangles), UVs twice: 0–1 and 0–2.
  const n = 16;
  const pos: number[] = [], nor: number[] = [], uv0: number[] = [], uv1: number[] = [], idx: number[] = [];
  for (let j = 0; j <= n; j++) {
    for (let i = 0; i <= n; i++) {
      pos.push(i / n - 0.5, j / n, Math.sin((i / n) * Math.PI) * 0.1);
      nor.push(0, 0, 1);
      uv0.push(i / n, 1 - j / n);
      uv1.push((2 * i) / n, 2 - (2 * j) / n);
    }
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const a = j * (n + 1) + i;
      idx.push(a, a + 1, a + n + 1, a + 1, a + n + 2, a + n + 1);
    }
  }
  const acc = (type: 'VEC2' | 'VEC3', data: number[]) => doc.createAccessor().setType(type).setArray(new Float32Array(data)).setBuffer(buffer);

  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c04020' } })
    .composite([{ input: Buffer.from('<svg width="64" height="64"><rect x="0" y="0" width="32" height="32" fill="#20a0c0"/></svg>'), top: 0, left: 0 }])
    .png()
    .toBuffer();
  const texture = doc.createTexture('pattern').setImage(new Uint8Array(png)).setMimeType('image/png');

  const plain = doc.createMaterial('Plain').setBaseColorFactor([0.8, 0.8, 0.75, 1]).setRoughnessFactor(0.6);
  const patterned = doc.createMaterial('Patterned').setBaseColorTexture(texture).setRoughnessFactor(0.5);
  patterned.getBaseColorTextureInfo()!.setTexCoord(1).setExtension('KHR_texture_transform', transformExt.createTransform().setScale([0.5, 0.5]).setRotation(0.3));
  patterned.setExtension('KHR_materials_sheen', sheenExt.createSheen().setSheenColorFactor([0.5, 0.4, 0.9]).setSheenRoughnessFactor(0.4));
  const glass = doc.createMaterial('Glass').setBaseColorFactor([0.9, 1, 0.95, 1]).setRoughnessFactor(0.05).setMetallicFactor(0);
  glass.setExtension('KHR_materials_transmission', transmissionExt.createTransmission().setTransmissionFactor(0.9));
  glass.setExtension('KHR_materials_volume', volumeExt.createVolume().setThicknessFactor(0.02).setAttenuationColor([0.8, 1, 0.9]));
  const glow = doc.createMaterial('Glow').setEmissiveFactor([1, 0.6, 0.2]).setExtension('KHR_materials_emissive_strength', emissiveExt.createEmissiveStrength().setEmissiveStrength(3));

  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', acc('VEC3', pos))
    .setAttribute('NORMAL', acc('VEC3', nor))
    .setAttribute('TEXCOORD_0', acc('VEC2', uv0))
    .setAttribute('TEXCOORD_1', acc('VEC2', uv1))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(idx)).setBuffer(buffer))
    .setMaterial(shown === 'Plain' ? plain : patterned);
  const plainV = variantsExt.createVariant('Plain');
  const patternedV = variantsExt.createVariant('Patterned');
  const list = variantsExt.createMappingList();
  list.addMapping(variantsExt.createMapping().addVariant(plainV).setMaterial(plain));
  list.addMapping(variantsExt.createMapping().addVariant(patternedV).setMaterial(patterned));
  prim.setExtension('KHR_materials_variants', list);

  // A second, smaller panel in glass and an emissive strip, so every extension is on something drawn.
  const glassPrim = prim.clone().setMaterial(glass).setExtension('KHR_materials_variants', null);
  const glowPrim = prim.clone().setMaterial(glow).setExtension('KHR_materials_variants', null);
  const scene = doc.createScene('scene');
  scene.addChild(doc.createNode('panel').setMesh(doc.createMesh('panel').addPrimitive(prim)));
  scene.addChild(doc.createNode('glass').setMesh(doc.createMesh('glass').addPrimitive(glassPrim)).setTranslation([0, 0, 0.3]).setScale([0.5, 0.5, 0.5]));
  scene.addChild(doc.createNode('glow').setMesh(doc.createMesh('glow').addPrimitive(glowPrim)).setTranslation([0, 1.1, 0]).setScale([1, 0.1, 1]));
  doc.getRoot().setDefaultScene(scene);
  return new NodeIO().registerExtensions([KHRMaterialsVariants, KHRTextureTransform, KHRMaterialsSheen, KHRMaterialsTransmission, KHRMaterialsVolume, KHRMaterialsEmissiveStrength]).writeBinary(doc);
}

/** A copy of `glb` with its JSON chunk rewritten by `edit` (the binary chunk is kept as it is). */
export function editGlbJson(glb: Uint8Array, edit: (json: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength))) as Record<string, unknown>;
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json));
  const padded = new Uint8Array(Math.ceil(text.length / 4) * 4).fill(0x20);
  padded.set(text);
  const rest = glb.subarray(20 + jsonLength);
  const out = new Uint8Array(20 + padded.length + rest.length);
  const o = new DataView(out.buffer);
  o.setUint32(0, 0x46546c67, true); // glTF
  o.setUint32(4, 2, true);
  o.setUint32(8, out.length, true);
  o.setUint32(12, padded.length, true);
  o.setUint32(16, 0x4e4f534a, true); // JSON
  out.set(padded, 20);
  out.set(rest, 20 + padded.length);
  return out;
}
