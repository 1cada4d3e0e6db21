// Unpack: whatever a merchant uploaded, as the one GLB the rest of the pipeline reads, or a refusal that says what
// is wrong in words a merchant can act on. The first step of process.ts, so the job and `vitrine assets:optimize`
// refuse the same files the same way. Nothing here decodes an image or trusts a length it has not checked.
//
//   .glb  the framing is checked first (header, chunk lengths against the file's real size): a truncated upload or
//         a chunk that claims more bytes than the file has is refused before any parser sees it;
//   .zip  one .gltf with its .bin and textures (or a single .glb). The central directory is read and checked before
//         anything is inflated: no absolute or ../ paths, at most `maxEntries` entries, declared sizes within
//         `maxUncompressedBytes` and a compression ratio under `maxCompressionRatio` (zip bombs). Only the files
//         the .gltf references are inflated, in 16 KiB steps into a buffer of the declared size, so an entry that
//         inflates past what it declared is stopped at once; each is CRC-checked;
//   .gltf on its own: only with every resource embedded (data: URIs), or given a resolver (the CLI reads the files
//         beside it). Missing files are named, all of them.
// A .gltf becomes a GLB through glTF-Transform with the pipeline's own NodeIO (tools.ts: every extension and codec
// optimize.ts reads), so what it cannot read is refused here with the same words, e.g. an unknown required extension.
import { Inflate } from 'fflate';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import type { PlatformIO } from '@gltf-transform/core';
import { GLB_MAGIC, type ModelFormat, notAModel, readU32, sniffModel } from './sniff.ts';

export const NAME = 'unpack';

/** The upload is not something the pipeline can take; the message is for the merchant. Never worth a retry. */
export class ModelInputError extends Error {
  readonly code = 'INVALID_MODEL_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'ModelInputError';
  }
}

export interface UnpackLimits {
  /** Entries in a zip (files and folders). */
  readonly maxEntries: number;
  /** What a zip's files may add up to once inflated. */
  readonly maxUncompressedBytes: number;
  /** Inflated size over compressed size, for the whole zip and for any entry over 1 MiB. */
  readonly maxCompressionRatio: number;
}

export const UNPACK_DEFAULTS: UnpackLimits = {
  maxEntries: 1000,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 100,
};

/** Textures of this many pixels or more are refused before anything decodes them (a 16384² RGBA image is 1 GiB). */
export const MAX_TEXTURE_PIXELS = 16384 * 16384;
/** No GPU the storefront runs on samples a texture wider or taller than this. */
export const MAX_TEXTURE_SIDE = 16384;

/** Reads a file a .gltf references, by its path relative to the .gltf's folder ("textures/wood.png"); undefined when absent. */
export type ResourceResolver = (relativePath: string) => Promise<Uint8Array | undefined>;

export interface PrepareOptions {
  /** The pipeline's I/O (tools.ts), as optimize.ts uses it. */
  readonly io: PlatformIO;
  readonly limits?: Partial<UnpackLimits>;
  /** For a bare .gltf whose files are elsewhere (the CLI: beside it on disk). Without it they must be embedded. */
  readonly resolveResource?: ResourceResolver;
  /** The upload's name, for messages ("chair.gltf"). */
  readonly filename?: string;
}

export interface PreparedInput {
  readonly format: ModelFormat;
  /** The model as one GLB: the input itself when it was a GLB. */
  readonly glb: Uint8Array;
  /** What was done on the way (for the report): files unpacked, files ignored, extensions dropped. */
  readonly notes: string[];
}

const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

/**
 * Checks a GLB's framing against the bytes actually there: a 12-byte header saying glTF 2 and the file's length,
 * then chunks (JSON first) whose lengths fit the file. Throws ModelInputError saying what does not fit.
 */
export function checkGlbFraming(bytes: Uint8Array): void {
  const size = bytes.byteLength;
  if (size < 12) throw new ModelInputError(`The GLB is truncated: it ends inside its 12-byte header (${size} bytes arrived). Upload the whole file again.`);
  if (readU32(bytes, 0) !== GLB_MAGIC) throw new ModelInputError(notAModel(bytes));
  const version = readU32(bytes, 4);
  if (version !== 2) throw new ModelInputError(`The GLB says it is glTF version ${version}; only glTF 2.0 is supported (re-export it from a current tool).`);
  const declared = readU32(bytes, 8);
  if (declared > size) {
    throw new ModelInputError(`The GLB is truncated: its header says ${declared} bytes but the file has ${size}. Upload the whole file again.`);
  }
  if (declared < 20) throw new ModelInputError(`The GLB's header says it is ${declared} bytes long, too short to hold its JSON chunk.`);
  let off = 12;
  for (let index = 0; off < declared; index++) {
    if (declared - off < 8) throw new ModelInputError(`The GLB is truncated: chunk ${index} starts ${declared - off} bytes before the end, inside its 8-byte header.`);
    const length = readU32(bytes, off);
    const type = readU32(bytes, off + 4);
    const kind = type === CHUNK_JSON ? 'JSON' : type === CHUNK_BIN ? 'BIN' : `0x${type.toString(16)}`;
    if (index === 0 && type !== CHUNK_JSON) throw new ModelInputError(`The GLB's first chunk is ${kind}, not JSON: the file is damaged.`);
    const room = declared - off - 8;
    if (length > room) {
      throw new ModelInputError(`The GLB is damaged or truncated: chunk ${index} (${kind}) says it holds ${length} bytes, but only ${room} remain in the file.`);
    }
    off += 8 + length;
  }
}

// ---- zip ----------------------------------------------------------------------------------------------------------

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** The files of a zip whose directory passed the checks, to be inflated one by one. */
export class ZipArchive {
  private constructor(
    private readonly bytes: Uint8Array,
    /** File entries by name (folders and macOS metadata left out). */
    readonly files: ReadonlyMap<string, ZipEntry>,
    private readonly dataEnd: number,
  ) {}

  /** Reads and checks the central directory; nothing is inflated. Throws ModelInputError. */
  static open(bytes: Uint8Array, limits: Partial<UnpackLimits> = {}): ZipArchive {
    const lim = { ...UNPACK_DEFAULTS, ...limits };
    const eocd = findEndOfCentralDirectory(bytes);
    if (eocd < 0) throw new ModelInputError('The zip is damaged or truncated: its table of contents (the end of the file) is missing. Upload the whole file again.');
    const disk = readU16(bytes, eocd + 4);
    const cdDisk = readU16(bytes, eocd + 6);
    const count = readU16(bytes, eocd + 10);
    const cdSize = readU32(bytes, eocd + 12);
    const cdOffset = readU32(bytes, eocd + 16);
    if (disk !== 0 || cdDisk !== 0) throw new ModelInputError('The zip is split into several parts; upload it as one .zip file.');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new ModelInputError('The zip is in the ZIP64 format, which is not accepted here; zip the model with a standard zip tool.');
    }
    if (count > lim.maxEntries) throw new ModelInputError(`The zip holds ${count} entries; at most ${lim.maxEntries} are accepted. Put only the model's .gltf, .bin and textures in it.`);
    if (cdOffset + cdSize > eocd) throw new ModelInputError('The zip is damaged: its table of contents points outside the file.');

    const files = new Map<string, ZipEntry>();
    let declaredTotal = 0;
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > eocd || readU32(bytes, p) !== 0x02014b50) throw new ModelInputError('The zip is damaged: its table of contents is corrupt.');
      const flags = readU16(bytes, p + 8);
      const nameLength = readU16(bytes, p + 28);
      const end = p + 46 + nameLength + readU16(bytes, p + 30) + readU16(bytes, p + 32);
      if (end > eocd) throw new ModelInputError('The zip is damaged: its table of contents is corrupt.');
      const rawName = bytes.subarray(p + 46, p + 46 + nameLength);
      const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(rawName);
      const entry: ZipEntry = {
        name,
        flags,
        method: readU16(bytes, p + 10),
        crc: readU32(bytes, p + 16),
        compressedSize: readU32(bytes, p + 20),
        size: readU32(bytes, p + 24),
        localOffset: readU32(bytes, p + 42),
      };
      p = end;
      checkEntryName(name);
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) {
        throw new ModelInputError('The zip is in the ZIP64 format, which is not accepted here; zip the model with a standard zip tool.');
      }
      if (name.endsWith('/')) continue; // a folder
      declaredTotal += entry.size;
      if (declaredTotal > lim.maxUncompressedBytes) {
        throw new ModelInputError(`The zip's files add up to more than ${mib(lim.maxUncompressedBytes)} once unpacked; that is over the limit (a zip bomb, or far more than a model needs).`);
      }
      if (entry.size > 1024 * 1024 && entry.size > entry.compressedSize * lim.maxCompressionRatio) {
        throw new ModelInputError(`The zip entry ${name} would unpack ${ratio(entry.size, entry.compressedSize)} times larger than it is stored (${mib(entry.size)}); more than ${lim.maxCompressionRatio} times is refused as a zip bomb.`);
      }
      if (isMacMetadata(name)) continue;
      if (files.has(name)) throw new ModelInputError(`The zip holds ${name} twice; it is ambiguous which one to use.`);
      files.set(name, entry);
    }
    if (declaredTotal > 10 * 1024 * 1024 && declaredTotal > bytes.byteLength * lim.maxCompressionRatio) {
      throw new ModelInputError(`The zip would unpack ${ratio(declaredTotal, bytes.byteLength)} times larger than it is (${mib(declaredTotal)}); more than ${lim.maxCompressionRatio} times is refused as a zip bomb.`);
    }
    return new ZipArchive(bytes, files, cdOffset);
  }

  /** One file's bytes, inflated within what its entry declared and CRC-checked. Throws ModelInputError. */
  read(name: string): Uint8Array {
    const e = this.files.get(name);
    if (!e) throw new ModelInputError(`The zip holds no file ${name}.`);
    if (e.flags & 0x1) throw new ModelInputError(`${name} is encrypted in the zip; zip the model without a password.`);
    if (e.method !== 0 && e.method !== 8) {
      throw new ModelInputError(`${name} is compressed with method ${e.method} in the zip; only stored and deflate (what every zip tool makes by default) are accepted.`);
    }
    const at = e.localOffset;
    if (at + 30 > this.dataEnd || readU32(this.bytes, at) !== 0x04034b50) throw new ModelInputError(`The zip is damaged: the entry for ${name} is not where its table of contents says.`);
    const start = at + 30 + readU16(this.bytes, at + 26) + readU16(this.bytes, at + 28);
    const end = start + e.compressedSize;
    if (end > this.dataEnd) throw new ModelInputError(`The zip is damaged or truncated: ${name} runs past the end of its data.`);
    const data = this.bytes.subarray(start, end);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw new ModelInputError(`The zip is damaged: ${name} is stored uncompressed but its two sizes differ.`);
      out = data.slice();
    } else {
      out = inflateBounded(data, e.size, name);
    }
    if (crc32(out) >>> 0 !== e.crc >>> 0) throw new ModelInputError(`The zip is damaged: ${name} does not match its checksum (CRC-32).`);
    return out;
  }
}

/** Inflates into a buffer of exactly `size` bytes, in small steps, stopping as soon as the output would pass it. */
function inflateBounded(data: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (overflow || filled + chunk.byteLength > size) {
      overflow = true;
      return;
    }
    out.set(chunk, filled);
    filled += chunk.byteLength;
  });
  const STEP = 16 * 1024; // at most ~16 MiB of output per step, whatever the ratio
  try {
    if (data.byteLength === 0) inflater.push(data, true);
    for (let off = 0; off < data.byteLength && !overflow; off += STEP) {
      const stop = Math.min(off + STEP, data.byteLength);
      inflater.push(data.subarray(off, stop), stop === data.byteLength);
    }
  } catch (err) {
    throw new ModelInputError(`The zip is damaged: ${name} cannot be unpacked (${(err as Error).message}).`);
  }
  if (overflow) throw new ModelInputError(`The zip entry ${name} unpacks to more than the ${size} bytes it declares: refused as a zip bomb.`);
  if (filled !== size) throw new ModelInputError(`The zip is damaged: ${name} unpacks to ${filled} bytes, not the ${size} it declares.`);
  return out;
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const last = bytes.byteLength - 22;
  for (let i = last; i >= 0 && i >= last - 0xffff; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) return i;
  }
  return -1;
}

/** Entry names are relative paths inside the zip: no drive, no leading slash, no "..", no control characters. */
function checkEntryName(name: string): void {
  const shown = JSON.stringify(name);
  if (name === '' || /[\u0000-\u001f]/.test(name)) throw new ModelInputError(`The zip holds an entry with an invalid name (${shown}).`);
  const p = name.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) throw new ModelInputError(`The zip holds an absolute path (${shown}); only paths inside the zip are accepted.`);
  if (p.split('/').includes('..')) throw new ModelInputError(`The zip holds a path that climbs out of it (${shown}, with ../); refused.`);
}

function isMacMetadata(name: string): boolean {
  return name.startsWith('__MACOSX/') || name === '.DS_Store' || name.endsWith('/.DS_Store');
}

/** A zip of one .gltf with its files (or of one .glb) as a GLB. */
export async function unpackZip(bytes: Uint8Array, opts: PrepareOptions): Promise<PreparedInput> {
  const zip = ZipArchive.open(bytes, opts.limits);
  const names = [...zip.files.keys()];
  const gltfs = names.filter((n) => /\.gltf$/i.test(n));
  const glbs = names.filter((n) => /\.glb$/i.test(n));
  if (gltfs.length > 1) throw new ModelInputError(`The zip holds ${gltfs.length} .gltf files (${gltfs.slice(0, 5).join(', ')}); put one model per zip.`);
  if (gltfs.length === 0) {
    if (glbs.length === 1) {
      const glb = zip.read(glbs[0]!);
      checkGlbFraming(glb);
      return { format: 'zip', glb, notes: [`unpacked ${glbs[0]} from the zip`] };
    }
    const found = names.length === 0 ? 'it is empty' : `it holds ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
    throw new ModelInputError(`The zip holds no .gltf file (${found}). Zip the .gltf together with its .bin and textures.`);
  }
  const gltfName = gltfs[0]!;
  const dir = path.posix.dirname(gltfName.replace(/\\/g, '/'));
  const byPath = new Map(names.map((n) => [n.replace(/\\/g, '/'), n]));
  const byLower = new Map(names.map((n) => [n.replace(/\\/g, '/').toLowerCase(), n]));
  const caseFixed: string[] = [];
  const used = new Set([gltfName]);
  const result = await gltfToGlb(zip.read(gltfName), gltfName, opts.io, async (rel) => {
    const full = dir === '.' ? rel : `${dir}/${rel}`;
    let entry = byPath.get(full);
    if (!entry) {
      entry = byLower.get(full.toLowerCase()); // authored on a case-insensitive disk
      if (entry) caseFixed.push(`${rel} → ${entry}`);
    }
    if (!entry) return undefined;
    used.add(entry);
    return zip.read(entry);
  });
  const ignored = names.filter((n) => !used.has(n));
  const notes = [`unpacked from a zip: ${gltfName} and ${used.size - 1} file${used.size === 2 ? '' : 's'} it references`, ...result.notes];
  if (caseFixed.length > 0) notes.push(`file names matched ignoring case: ${caseFixed.slice(0, 5).join(', ')}`);
  if (ignored.length > 0) notes.push(`ignored ${ignored.length} file${ignored.length === 1 ? '' : 's'} the model does not use: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? ', …' : ''}`);
  return { format: 'zip', glb: result.glb, notes };
}

// ---- .gltf --------------------------------------------------------------------------------------------------------

interface GltfResourceDef {
  uri?: unknown;
  byteLength?: unknown;
}

/**
 * A .gltf's JSON and the files it references, as one GLB written by glTF-Transform with the pipeline's I/O.
 * Every external file is looked up through `resolve` (paths relative to the .gltf, checked to stay inside its
 * folder); all missing ones are named in one message.
 */
export async function gltfToGlb(
  jsonBytes: Uint8Array,
  name: string,
  io: PlatformIO,
  resolve: ResourceResolver,
  /** What to do about missing files, appended to the message. */
  missingHint = 'Put them in the zip next to the .gltf, with the same names.',
): Promise<{ glb: Uint8Array; notes: string[] }> {
  let json: Record<string, unknown>;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(jsonBytes);
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ModelInputError(`${name} is not valid JSON (${(err as Error).message}); is it really a .gltf?`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof json.asset !== 'object' || json.asset === null) {
    throw new ModelInputError(`${name} is not a glTF file: it has no "asset" object.`);
  }
  const version = String((json.asset as { version?: unknown }).version ?? '');
  if (!/^2\.\d+$/.test(version)) throw new ModelInputError(`${name} is glTF version ${version || '(none)'}; only glTF 2.0 is supported (re-export it from a current tool).`);

  const list = (k: string): GltfResourceDef[] => (Array.isArray(json[k]) ? (json[k] as unknown[]).filter((x): x is GltfResourceDef => typeof x === 'object' && x !== null) : []);
  const buffers = list('buffers');
  const refs = [...buffers, ...list('images')].filter((r) => typeof r.uri === 'string' && !r.uri.startsWith('data:'));
  const resources: Record<string, Uint8Array<ArrayBuffer>> = {};
  const missing: string[] = [];
  const tooShort: string[] = [];
  for (const ref of refs) {
    const uri = ref.uri as string;
    if (uri in resources || missing.includes(uri)) continue;
    const rel = resourcePath(uri, name);
    const bytes = await resolve(rel);
    if (!bytes) {
      missing.push(rel);
      continue;
    }
    resources[uri] = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  }
  if (missing.length > 0) {
    throw new ModelInputError(`${name} references ${missing.length === 1 ? 'a file that is' : 'files that are'} missing: ${missing.join(', ')}. ${missingHint}`);
  }
  for (const b of buffers) {
    const bytes = typeof b.uri === 'string' ? resources[b.uri] : undefined;
    if (bytes && typeof b.byteLength === 'number' && bytes.byteLength < b.byteLength) tooShort.push(`${resourcePath(b.uri as string, name)} has ${bytes.byteLength} bytes, the .gltf says ${b.byteLength}`);
  }
  if (tooShort.length > 0) throw new ModelInputError(`Buffer files are shorter than the .gltf says (truncated, or not the right files): ${tooShort.join('; ')}.`);

  let doc;
  try {
    doc = await io.readJSON({ json: json as never, resources }); // the JSON's shape is glTF-Transform's to check
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    const ext = /Missing required extension, "([^"]+)"/.exec(msg)?.[1];
    if (ext) throw new ModelInputError(`The model requires the glTF extension ${ext}, which this pipeline cannot read; export it without that extension.`);
    throw new ModelInputError(`${name} could not be read: ${msg}`);
  }
  const notes: string[] = [];
  const root = doc.getRoot();
  const kept = new Set(root.listExtensionsUsed().map((e) => e.extensionName));
  const used = Array.isArray(json.extensionsUsed) ? (json.extensionsUsed as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const dropped = used.filter((e) => !kept.has(e));
  if (dropped.length > 0) notes.push(`dropped extensions this pipeline cannot read (the file does not require them): ${dropped.join(', ')}`);
  if (root.listBuffers().length > 1) {
    notes.push(`merged ${root.listBuffers().length} buffers into one (a GLB holds one)`);
    // Loaded here, not at the top: the API imports this module to sniff uploads and needs none of glTF-Transform.
    const { unpartition } = await import('@gltf-transform/functions');
    await doc.transform(unpartition());
  }
  if (root.listBuffers().length === 0 && (root.listAccessors().length > 0 || root.listTextures().length > 0)) doc.createBuffer();
  try {
    return { glb: await io.writeBinary(doc), notes };
  } catch (err) {
    throw new ModelInputError(`${name} could not be turned into a GLB: ${(err as Error).message}`);
  }
}

/** A .gltf's reference as a path inside its folder; external URLs and paths leaving the folder are refused. */
export function resourcePath(uri: string, gltfName = 'The .gltf'): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    decoded = uri;
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(decoded) && !/^[A-Za-z]:[\\/]/.test(decoded)) {
    throw new ModelInputError(`${gltfName} references ${uri}, outside the upload; only files next to it are accepted.`);
  }
  const p = decoded.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || /[\u0000-\u001f]/.test(p)) throw new ModelInputError(`${gltfName} references an absolute path (${uri}); only files next to it are accepted.`);
  const norm = path.posix.normalize(p);
  if (norm === '..' || norm.startsWith('../')) throw new ModelInputError(`${gltfName} references ${uri}, outside its folder (../); only files next to it are accepted.`);
  return norm;
}

// ---- the step -----------------------------------------------------------------------------------------------------

/** Sniffs the upload and returns it as a GLB, or throws ModelInputError. */
export async function prepareInput(bytes: Uint8Array, opts: PrepareOptions): Promise<PreparedInput> {
  if (!opts?.io) throw new Error(`${NAME}: Requires the pipeline's io (tools.ts)`);
  const format = sniffModel(bytes.subarray(0, 1024));
  switch (format) {
    case 'glb':
      checkGlbFraming(bytes);
      return { format, glb: bytes, notes: [] };
    case 'zip':
      return unpackZip(bytes, opts);
    case 'gltf': {
      const name = opts.filename ?? 'The .gltf';
      const { glb, notes } = opts.resolveResource
        ? await gltfToGlb(bytes, name, opts.io, opts.resolveResource, 'Put them next to the .gltf, with the same names.')
        : await gltfToGlb(bytes, name, opts.io, async () => undefined, 'Upload the .gltf together with its .bin and textures as one .zip.');
      return { format, glb, notes: [`converted ${name} to GLB`, ...notes] };
    }
    default:
      throw new ModelInputError(notAModel(bytes.subarray(0, 64), bytes.byteLength));
  }
}

/** The first texture too large to decode safely, as a sentence for the merchant; null when every one is fine. */
export function oversizedTexture(textures: readonly { width: number | null; height: number | null; mimeType: string }[]): string | null {
  for (const [i, t] of textures.entries()) {
    if (t.width === null || t.height === null) continue;
    if (t.width * t.height >= MAX_TEXTURE_PIXELS || t.width > MAX_TEXTURE_SIDE || t.height > MAX_TEXTURE_SIDE) {
      return (
        `Texture ${i} (${t.mimeType}) is ${t.width}×${t.height} pixels: textures of 16384×16384 or more (or wider or taller ` +
        `than ${MAX_TEXTURE_SIDE}) are refused before decoding; scale it down (2048 or 4096 pixels is plenty for the web).`
      );
    }
  }
  return null;
}

function readU16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

function ratio(a: number, b: number): string {
  return b === 0 ? 'infinitely' : String(Math.round(a / b));
}
