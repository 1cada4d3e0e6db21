// Optimize: a smaller GLB that means the same thing. glTF-Transform's Node API, in the order its own `optimize`
// uses, minus everything that changes what the model is:
//   dedup → weld → [simplify, opt-in] → resample → prune → textures (resize, WebP) → geometry (meshopt | Draco)
//
// Notes on the choices (measured on these machines, see FIELD-NOTES):
// - prune keeps vertex attributes: with KHR_materials_variants + KHR_texture_transform, attribute pruning dropped a
//   UV set that only a variant's material used (validator: MESH_PRIMITIVE_TOO_FEW_TEXCOORDS). It also keeps empty
//   leaf nodes and extras (anchors and app data), and dedup keeps differently named materials apart (the viewer's
//   scripting finds materials by name).
// - simplify is off unless asked for: the default removed ~15 % of a real model's triangles.
// - instance/palette/flatten/join are left out: they rewrite the scene graph a merchant authored. Textures, though,
//   are deduplicated by their pixels alone (Mixer ships one image twice, as occlusion and as metal-rough: 119 KB).
// - 'avif' textures keep full-resolution chroma (4:4:4), which lossy WebP cannot: at the same SSIM they cost a
//   fraction of lossless WebP (WaterBottle 0.985 at 42 KB vs lossless normals 0.970 at 66 KB). `dropTangents`
//   leaves tangents to the viewer (BoomBox: 66 → 59 KB at 0.972). process.ts searches these under the fidelity check.
// - textures are re-encoded one by one (compressTexture) rather than with textureCompress, so a texture already in
//   WebP and within the size limit is not re-encoded lossily again, and a WebP that came out bigger than its source
//   is dropped in favour of the source.
// - textures go to lossy WebP by default. Lossy WebP is always 4:2:0, which blurs what data textures (normal,
//   occlusion, metallic-roughness) pack per channel: `losslessDataTextures` keeps those exact. Measured with
//   check-fidelity (lowest SSIM of 4 views, 384 px): all lossy q80 scored WaterBottle 0.965, BoomBox 0.908, Corset
//   0.965 (q95: WaterBottle 0.967, BoomBox 0.931) but Mixer 0.997; with data textures lossless WaterBottle 0.990,
//   BoomBox 0.987, Corset 0.974, for more bytes (WaterBottle 43 → 99 KB, BoomBox 64 → 115 KB, Mixer 0.57 → 1.26 MB
//   and 8 s of encoding its 2048² maps). So lossy is the default, and process.ts moves to lossless data textures only
//   for a model that needs it, normal maps alone first, then the packed ones alone, then all: WaterBottle passes with
//   lossless normals (67 KB, 0.970), BoomBox too (81 KB, 0.981), Corset only with all (304 KB, 0.974). Quantised geometry alone (meshopt 'high') scored >= 0.996 on WaterBottle and BoomBox.
//
// Never lose meaning: every attempt is read back and checked (Khronos validator with 0 errors, compressed geometry
// decoded and validated too; every non-encoding extension, the variants and their mappings, the animations and the
// triangle count unchanged). An attempt that fails falls back to a safer setting (meshopt without quantization, then
// no geometry compression, then no texture changes) and says why in `fallbacks`; when nothing passes, or nothing is
// smaller, the input itself is returned (`usedOriginal`).
import { createHash } from 'node:crypto';
import { type Document, type PlatformIO, type Texture, ImageUtils, PropertyType } from '@gltf-transform/core';
import { EXTMeshoptCompression, EXTTextureAVIF, EXTTextureWebP, KHRMaterialsVariants, type MappingList } from '@gltf-transform/extensions';
import { compressTexture, getTextureColorSpace, listTextureSlots, dedup, draco, meshopt, prune, reorder, resample, simplify, weld } from '@gltf-transform/functions';
import { meshNodes, primitiveTriangles } from './inspect.ts';
import { CollectingLogger, type GltfValidator, type MeshoptEncoderLike, type Sharp } from './tools.ts';
import { type Validation, validate } from './validate.ts';

export const NAME = 'optimize';

export type GeometryCompression = 'meshopt' | 'draco' | 'none';

/** What to do; everything here has a default. */
export interface OptimizeSettings {
  /** Geometry compression. Default meshopt (EXT_meshopt_compression). */
  readonly geometry?: GeometryCompression;
  /** Quantize vertex attributes before meshopt (KHR_mesh_quantization). Draco always quantizes. */
  readonly quantize?: boolean;
  /** Longest texture side in pixels; larger textures are scaled down. null keeps every size. */
  readonly maxTextureSize?: number | null;
  /**
   * 'webp' re-encodes PNG/JPEG/AVIF textures as WebP (EXT_texture_webp); 'avif' as AVIF with full-resolution chroma
   * (EXT_texture_avif, 4:4:4: what keeps normal and packed maps faithful at a fraction of lossless WebP's bytes);
   * 'original' keeps their format.
   */
  readonly textureFormat?: 'webp' | 'avif' | 'original';
  /** Encoder quality 1–100 for lossy textures; null = sharp's default. */
  readonly textureQuality?: number | null;
  /** Lossless WebP for every texture (bigger, exact colours). */
  readonly losslessTextures?: boolean;
  /**
   * Lossless WebP for textures that hold data rather than colour, lossy for colour ones (see the notes at the top):
   * true for all of them, 'normal' for normal maps only, 'packed' for the channel-packed others only (occlusion,
   * metallic-roughness, …). Which of the two a model needs differs: process.ts tries the smaller first.
   */
  readonly losslessDataTextures?: boolean | 'normal' | 'packed';
  /** Share of triangles to keep (0 < ratio < 1) with meshopt's simplifier; null = no simplification. */
  readonly simplify?: number | null;
  /**
   * Leave out stored vertex tangents and let the viewer derive them (glTF's rule when TANGENT is absent). They are
   * often a tenth of a model's bytes; whether the model still looks the same is for the fidelity check to say, so
   * process.ts only keeps this when it does. Ignored for materials that need authored tangents (anisotropy).
   */
  readonly dropTangents?: boolean;
}

export interface OptimizeOptions extends OptimizeSettings {
  /** I/O with every extension and the Draco/meshopt codecs registered (tools.ts). */
  readonly io: PlatformIO;
  readonly sharp: Sharp;
  readonly validator: GltfValidator;
  /** Required for geometry 'meshopt' (also its fallbacks). */
  readonly meshoptEncoder?: MeshoptEncoderLike;
  /** Required when `simplify` is set. */
  readonly meshoptSimplifier?: MeshoptEncoderLike;
  /** Encoded textures to reuse across calls on the same model (process.ts's candidates): AVIF at 2048² takes seconds. */
  readonly textureCache?: TextureCache;
}

/** Encoded texture by source image hash and encoder settings. */
export type TextureCache = Map<string, { readonly image: Uint8Array; readonly mimeType: string }>;

export const OPTIMIZE_DEFAULTS: Required<OptimizeSettings> = {
  geometry: 'meshopt',
  quantize: true,
  maxTextureSize: 2048,
  textureFormat: 'webp',
  textureQuality: null,
  losslessTextures: false,
  losslessDataTextures: false,
  simplify: null,
  dropTangents: false,
};

export interface OptimizeStats {
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly trianglesBefore: number;
  readonly trianglesAfter: number;
}

export interface OptimizeResult {
  readonly glb: Uint8Array;
  /** The settings that produced `glb`, or null when it is the input unchanged. */
  readonly settings: Required<OptimizeSettings> | null;
  readonly usedOriginal: boolean;
  readonly stats: OptimizeStats;
  /** Why each safer setting (or the original) was used, in order; empty when the requested settings passed. */
  readonly fallbacks: string[];
  /** The Khronos validator's verdict on `glb`. */
  readonly validation: Validation;
  /** glTF-Transform's warnings during the attempt that produced `glb`. */
  readonly warnings: string[];
}

/** Extensions that are how data is stored, not what it means: the output may add, drop or swap these. */
export const ENCODING_EXTENSIONS: readonly string[] = [
  'KHR_draco_mesh_compression',
  'EXT_meshopt_compression',
  'KHR_mesh_quantization',
  'EXT_texture_webp',
  'EXT_texture_avif',
];

export async function optimize(input: Uint8Array, options: OptimizeOptions): Promise<OptimizeResult> {
  const settings = checkOptions(options);
  const fallbacks: string[] = [];
  let before: Meaning;
  try {
    const doc = await options.io.readBinary(input);
    before = describeMeaning(doc, declaredExtensions(input));
    // glTF-Transform drops extensions it does not know while reading: no attempt could keep them.
    const known = doc.getRoot().listExtensionsUsed().map((e) => e.extensionName);
    const unknown = before.extensions.filter((e) => !known.includes(e));
    if (unknown.length > 0) {
      fallbacks.push(`the optimiser does not know ${unknown.join(', ')} and would drop it: kept the original`);
      return original(input, before, fallbacks, options);
    }
  } catch (err) {
    fallbacks.push(`the optimiser cannot read this model (${(err as Error).message}): kept the original`);
    return original(input, null, fallbacks, options);
  }
  for (const attempt of ladder(settings)) {
    if (attempt.why) fallbacks.push(attempt.why);
    const logger = new CollectingLogger();
    let glb: Uint8Array;
    try {
      glb = await runPipeline(input, attempt.settings, options, logger);
    } catch (err) {
      fallbacks.push(`${describeSettings(attempt.settings)} failed: ${(err as Error).message}`);
      continue;
    }
    const validation = await validate(glb, { validator: options.validator, io: options.io });
    if (validation.errors > 0) {
      const first = validation.messages.find((m) => m.severity === 'error');
      fallbacks.push(`${describeSettings(attempt.settings)} did not validate (${validation.errors} errors, first ${first?.code} at ${first?.pointer})`);
      continue;
    }
    const after = describeMeaning(await options.io.readBinary(glb), declaredExtensions(glb));
    const lost = compareMeaning(before, after, attempt.settings.simplify !== null);
    if (lost) {
      fallbacks.push(`${describeSettings(attempt.settings)} changed the model: ${lost}`);
      continue;
    }
    if (glb.byteLength >= input.byteLength) {
      fallbacks.push(`${describeSettings(attempt.settings)} was not smaller (${glb.byteLength} >= ${input.byteLength} bytes): kept the original`);
      break;
    }
    return {
      glb,
      settings: attempt.settings,
      usedOriginal: false,
      stats: { bytesBefore: input.byteLength, bytesAfter: glb.byteLength, trianglesBefore: before.triangles, trianglesAfter: after.triangles },
      fallbacks,
      validation,
      warnings: logger.messages,
    };
  }
  if (!fallbacks.at(-1)?.endsWith('kept the original')) fallbacks.push('no optimisation passed the checks: kept the original');
  return original(input, before, fallbacks, options);
}

async function original(input: Uint8Array, before: Meaning | null, fallbacks: string[], options: OptimizeOptions): Promise<OptimizeResult> {
  const triangles = before?.triangles ?? 0;
  return {
    glb: input,
    settings: null,
    usedOriginal: true,
    stats: { bytesBefore: input.byteLength, bytesAfter: input.byteLength, trianglesBefore: triangles, trianglesAfter: triangles },
    fallbacks,
    validation: await validate(input, { validator: options.validator, io: options.io }),
    warnings: [],
  };
}

function checkOptions(options: OptimizeOptions): Required<OptimizeSettings> {
  if (!options?.io) throw new Error(`${NAME}: Requires an io with the codecs registered`);
  if (typeof options.sharp !== 'function') throw new Error(`${NAME}: Requires sharp as the texture encoder`);
  if (!options.validator) throw new Error(`${NAME}: Requires a validator to check its output`);
  const s: Required<OptimizeSettings> = { ...OPTIMIZE_DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (k in OPTIMIZE_DEFAULTS && v !== undefined) (s as Record<string, unknown>)[k] = v;
  if (!['meshopt', 'draco', 'none'].includes(s.geometry)) throw new Error(`${NAME}: geometry must be meshopt, draco or none`);
  if (s.geometry === 'meshopt' && !options.meshoptEncoder) throw new Error(`${NAME}: geometry 'meshopt' requires meshoptEncoder`);
  if (s.maxTextureSize !== null && (!Number.isInteger(s.maxTextureSize) || s.maxTextureSize < 1)) {
    throw new Error(`${NAME}: Requires maxTextureSize to be a positive integer or null`);
  }
  if (s.textureQuality !== null && (!Number.isInteger(s.textureQuality) || s.textureQuality < 1 || s.textureQuality > 100)) {
    throw new Error(`${NAME}: Requires 1 <= textureQuality <= 100`);
  }
  if (!['webp', 'avif', 'original'].includes(s.textureFormat)) throw new Error(`${NAME}: textureFormat must be webp, avif or original`);
  if (s.textureFormat === 'avif' && (s.losslessTextures || s.losslessDataTextures)) throw new Error(`${NAME}: lossless textures are WebP only`);
  if (![true, false, 'normal', 'packed'].includes(s.losslessDataTextures)) throw new Error(`${NAME}: losslessDataTextures must be true, false, 'normal' or 'packed'`);
  if (s.simplify !== null) {
    if (!(s.simplify > 0 && s.simplify < 1)) throw new Error(`${NAME}: Requires 0 < simplify < 1`);
    if (!options.meshoptSimplifier) throw new Error(`${NAME}: simplify requires meshoptSimplifier`);
  }
  return s;
}

/** The requested settings, then each safer one worth trying, with the reason it would be tried. */
function ladder(s: Required<OptimizeSettings>): { settings: Required<OptimizeSettings>; why?: string }[] {
  const out: { settings: Required<OptimizeSettings>; why?: string }[] = [{ settings: s }];
  if (s.geometry === 'meshopt' && s.quantize) out.push({ settings: { ...s, quantize: false }, why: 'retrying meshopt without quantization' });
  if (s.geometry !== 'none') out.push({ settings: { ...s, geometry: 'none', quantize: false }, why: 'retrying without geometry compression' });
  if (s.textureFormat !== 'original' || s.maxTextureSize !== null) {
    out.push({ settings: { ...s, geometry: 'none', quantize: false, textureFormat: 'original', maxTextureSize: null }, why: 'retrying without texture changes' });
  }
  return out;
}

const DATA_LOSSLESS_WORDS: Record<string, string> = {
  true: ' (data textures lossless)',
  normal: ' (normal maps lossless)',
  packed: ' (occlusion/metal-rough lossless)',
};

/** Whether a texture is encoded losslessly under these settings. */
function losslessFor(texture: Texture, s: Required<OptimizeSettings>): boolean {
  if (s.losslessTextures) return true;
  if (!s.losslessDataTextures || getTextureColorSpace(texture) === 'srgb') return false;
  if (s.losslessDataTextures === true) return true;
  const normal = listTextureSlots(texture).includes('normalTexture');
  return s.losslessDataTextures === 'normal' ? normal : !normal;
}

export function describeSettings(s: Required<OptimizeSettings>): string {
  const geometry = s.geometry === 'meshopt' ? `meshopt${s.quantize ? '+quantize' : ''}` : s.geometry === 'draco' ? 'draco' : 'no geometry compression';
  const textures =
    s.textureFormat === 'original'
      ? 'original texture format'
      : s.textureFormat === 'avif'
        ? `AVIF 4:4:4 ${s.textureQuality !== null ? `q${s.textureQuality}` : 'lossy'}`
      : s.losslessTextures
        ? 'WebP lossless'
        : `WebP ${s.textureQuality !== null ? `q${s.textureQuality}` : 'lossy'}${DATA_LOSSLESS_WORDS[String(s.losslessDataTextures)] ?? ''}`;
  const size = s.maxTextureSize === null ? 'no resize' : `max ${s.maxTextureSize}px`;
  return `${geometry}${s.dropTangents ? ' (tangents left to the viewer)' : ''}, ${textures}, ${size}${s.simplify !== null ? `, simplify to ${s.simplify}` : ''}`;
}

async function runPipeline(input: Uint8Array, s: Required<OptimizeSettings>, options: OptimizeOptions, logger: CollectingLogger): Promise<Uint8Array> {
  const doc = await options.io.readBinary(input);
  doc.setLogger(logger);
  // Decoded on read; the output's geometry encoding is chosen below, not inherited.
  for (const ext of doc.getRoot().listExtensionsUsed()) {
    if (ext.extensionName === 'KHR_draco_mesh_compression' || ext.extensionName === 'EXT_meshopt_compression') ext.dispose();
  }
  if (s.dropTangents) dropTangents(doc);
  await doc.transform(
    // Identical images are one texture whatever they are called (a texture's name means nothing to the viewer; a
    // material's does, so materials keep theirs): e.g. occlusion and metal-rough exported twice as the same file.
    dedup({ propertyTypes: [PropertyType.TEXTURE] }),
    dedup({ keepUniqueNames: true }),
    weld(),
    ...(s.simplify !== null ? [simplify({ simplifier: options.meshoptSimplifier, ratio: s.simplify, error: 0.001 })] : []),
    resample(),
    prune({ keepAttributes: true, keepLeaves: true, keepExtras: true }),
  );
  await compressTextures(doc, s, options.sharp, options.textureCache);
  if (s.geometry === 'meshopt' && s.quantize) {
    await doc.transform(meshopt({ encoder: options.meshoptEncoder }));
  } else if (s.geometry === 'meshopt') {
    // meshopt's lossless path: reorder for compression, encode the float attributes as they are.
    await doc.transform(reorder({ encoder: options.meshoptEncoder, target: 'size' }));
    doc.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.QUANTIZE });
  } else if (s.geometry === 'draco') {
    await doc.transform(draco({ method: 'edgebreaker' }));
  }
  return options.io.writeBinary(doc);
}

const RECODABLE = ['image/png', 'image/jpeg', 'image/webp', 'image/avif'];

/** Removes TANGENT (and morph targets' TANGENT) where no material needs authored tangents; prune drops the data. */
function dropTangents(doc: Document): void {
  for (const mesh of doc.getRoot().listMeshes()) {
    for (const prim of mesh.listPrimitives()) {
      if (prim.getMaterial()?.getExtension('KHR_materials_anisotropy')) continue;
      const variants = prim.getExtension<MappingList>('KHR_materials_variants')?.listMappings() ?? [];
      if (variants.some((m) => m.getMaterial()?.getExtension('KHR_materials_anisotropy'))) continue;
      prim.setAttribute('TANGENT', null);
      for (const target of prim.listTargets()) target.setAttribute('TANGENT', null);
    }
  }
}

async function compressTextures(doc: Document, s: Required<OptimizeSettings>, sharp: Sharp, cache?: TextureCache): Promise<void> {
  const textures = doc.getRoot().listTextures();
  await Promise.all(textures.map((t) => compressOne(t, s, sharp, cache)));
  const uses = (mime: string): boolean => doc.getRoot().listTextures().some((t) => t.getMimeType() === mime);
  for (const ext of [doc.createExtension(EXTTextureWebP), doc.createExtension(EXTTextureAVIF)]) {
    if (uses(ext.extensionName === 'EXT_texture_webp' ? 'image/webp' : 'image/avif')) ext.setRequired(true);
    else ext.dispose();
  }
}

async function compressOne(texture: Texture, s: Required<OptimizeSettings>, sharp: Sharp, cache?: TextureCache): Promise<void> {
  const image = texture.getImage();
  const mimeType = texture.getMimeType();
  if (!image || !RECODABLE.includes(mimeType)) return; // e.g. KTX2: already a GPU format, left alone
  const size = ImageUtils.getSize(image, mimeType);
  const max = s.maxTextureSize;
  const needsResize = max !== null && size !== null && (size[0] > max || size[1] > max);
  const target = s.textureFormat === 'original' ? null : s.textureFormat;
  const recode = target !== null && mimeType !== `image/${target}`;
  if (!needsResize && !recode) return;
  const uri = texture.getURI();
  const encoding = {
    ...(target ? { targetFormat: target } : {}),
    ...(needsResize ? { resize: [max, max] as [number, number] } : {}),
    ...(s.textureQuality !== null ? { quality: s.textureQuality } : {}),
    ...(target === 'avif' ? { chromaSubsampling: '4:4:4' as const } : {}),
    lossless: losslessFor(texture, s),
  };
  const key = cache && `${createHash('sha256').update(image).digest('hex')} ${JSON.stringify(encoding)}`;
  const cached = key ? cache?.get(key) : undefined;
  if (cached) {
    texture.setImage(cached.image).setMimeType(cached.mimeType);
  } else {
    await compressTexture(texture, { encoder: sharp, ...encoding });
    if (key) cache!.set(key, { image: texture.getImage()!, mimeType: texture.getMimeType() });
  }
  const out = texture.getImage();
  if (!needsResize && out && out.byteLength >= image.byteLength) {
    texture.setImage(image).setMimeType(mimeType).setURI(uri); // WebP did not help this one
  }
}

/** What an optimisation must not change, as the viewer sees it (per node instance). */
export interface Meaning {
  /** Extensions used, minus ENCODING_EXTENSIONS, sorted. */
  readonly extensions: string[];
  readonly variants: string[];
  /** (drawn primitive, variant) pairs that switch material: the variants' reach. */
  readonly variantMappings: number;
  readonly triangles: number;
  readonly animations: number;
  readonly morphTargets: number;
}

/**
 * `declared`: the file's own extensionsUsed (declaredExtensions), when there is a file: glTF-Transform silently
 * drops extensions it does not know while reading, so the document alone cannot tell that one was lost.
 */
export function describeMeaning(doc: Document, declared?: readonly string[]): Meaning {
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  let triangles = 0;
  let variantMappings = 0;
  let morphTargets = 0;
  for (const node of scene ? meshNodes(scene) : []) {
    for (const prim of node.getMesh()!.listPrimitives()) {
      triangles += primitiveTriangles(prim.getMode(), prim.getIndices()?.getCount() ?? prim.getAttribute('POSITION')?.getCount() ?? 0);
      morphTargets += prim.listTargets().length;
      const list = prim.getExtension<MappingList>('KHR_materials_variants');
      for (const mapping of list?.listMappings() ?? []) variantMappings += mapping.listVariants().length;
    }
  }
  const variantsExt = root.listExtensionsUsed().find((e): e is KHRMaterialsVariants => e instanceof KHRMaterialsVariants);
  return {
    extensions: [...new Set([...root.listExtensionsUsed().map((e) => e.extensionName), ...(declared ?? [])])]
      .filter((n) => !ENCODING_EXTENSIONS.includes(n))
      .sort(),
    variants: variantsExt ? variantsExt.listVariants().map((v) => v.getName()) : [],
    variantMappings,
    triangles,
    animations: root.listAnimations().length,
    morphTargets,
  };
}

/** `extensionsUsed` as written in a GLB's JSON chunk ([] when there is none or it cannot be parsed). */
export function declaredExtensions(glb: Uint8Array): string[] {
  try {
    const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
    if (glb.byteLength < 20 || view.getUint32(0, true) !== 0x46546c67 || view.getUint32(16, true) !== 0x4e4f534a) return [];
    const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + view.getUint32(12, true)))) as { extensionsUsed?: unknown };
    return Array.isArray(json.extensionsUsed) ? json.extensionsUsed.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

/** Null when `after` means what `before` did; otherwise what changed. */
export function compareMeaning(before: Meaning, after: Meaning, simplified: boolean): string | null {
  const lostExt = before.extensions.filter((e) => !after.extensions.includes(e));
  if (lostExt.length > 0) return `lost ${lostExt.join(', ')}`;
  if (JSON.stringify(before.variants) !== JSON.stringify(after.variants)) {
    return `material variants changed from [${before.variants.join(', ')}] to [${after.variants.join(', ')}]`;
  }
  if (before.variantMappings !== after.variantMappings) return `variant mappings changed from ${before.variantMappings} to ${after.variantMappings}`;
  if (before.animations !== after.animations) return `animations changed from ${before.animations} to ${after.animations}`;
  if (before.morphTargets !== after.morphTargets) return `morph targets changed from ${before.morphTargets} to ${after.morphTargets}`;
  if (simplified ? after.triangles > before.triangles : after.triangles !== before.triangles) {
    return `triangles changed from ${before.triangles} to ${after.triangles}`;
  }
  return null;
}
