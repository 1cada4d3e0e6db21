// Export USDZ: the file iOS Quick Look needs for AR (`ios-src`). three's USDZExporter runs in the viewer's browser
// context (viewer-page.ts), on the GLB loaded by three's GLTFLoader with the meshopt and Draco decoders: in plain Node
// it can only export untextured scenes (it draws textures through a canvas). The result is verified before it is
// returned: a USDZ is an uncompressed zip whose first file is the .usda/.usdc layer and whose every file's data
// starts on a 64-byte boundary (USDZ specification, "Zip file format").
//
// What it does not carry: KHR_materials_variants (USD gets the default material only; for a product with variants
// the storefront can leave `ios-src` unset so model-viewer builds a USDZ of the selected variant in the browser),
// animations, and texture transforms beyond what the exporter writes (offset/scale/rotation). Textures are PNG,
// scaled to `maxTextureSize`.
//
// The zip's file times are set to a fixed date, so the same model exports to the same bytes (and the same
// content-hashed key) every time: the exporter otherwise stamps the current time.
import { crc32 } from 'node:zlib';
import type { ViewerPage } from './viewer-page.ts';

export const NAME = 'exportUsdz';

export interface ExportUsdzOptions {
  readonly viewer: ViewerPage;
  /** Longest texture side in the USDZ (Quick Look's memory is tight on older iPhones). */
  readonly maxTextureSize?: number;
}

export const EXPORT_USDZ_DEFAULTS: Required<Omit<ExportUsdzOptions, 'viewer'>> = { maxTextureSize: 1024 };

export interface UsdzEntry {
  readonly name: string;
  readonly size: number;
  /** Where the file's bytes start in the archive (a multiple of 64). */
  readonly dataOffset: number;
}

export interface UsdzResult {
  readonly bytes: Uint8Array;
  readonly entries: UsdzEntry[];
}

export async function exportUsdz(glb: Uint8Array, options: ExportUsdzOptions): Promise<UsdzResult> {
  const o = { ...EXPORT_USDZ_DEFAULTS, ...options };
  if (!o.viewer || typeof o.viewer.exportUsdz !== 'function') throw new Error(`${NAME}: Requires an open ViewerPage`);
  if (!Number.isInteger(o.maxTextureSize) || o.maxTextureSize < 16) throw new Error(`${NAME}: Requires an integer maxTextureSize >= 16`);
  const bytes = fixZipTimes(await o.viewer.exportUsdz(glb, o.maxTextureSize));
  return { bytes, entries: checkUsdz(bytes) };
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  readonly centralOffset: number;
}

/** The central directory's entries, in archive order. Throws when the bytes are not a plain zip. */
function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${NAME}: not a zip archive (no end of central directory)`);
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.byteLength || view.getUint32(p, true) !== CENTRAL) throw new Error(`${NAME}: broken central directory entry ${n}`);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    entries.push({
      name: new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localOffset: view.getUint32(p + 42, true),
      centralOffset: p,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Checks the archive is a USDZ package and lists its files: at least one file, the first a USD layer, every file
 * stored uncompressed and unencrypted with its data 64-byte aligned and its CRC right. Throws naming the first problem.
 */
export function checkUsdz(bytes: Uint8Array): UsdzEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = readZip(bytes);
  if (entries.length === 0) throw new Error(`${NAME}: the archive is empty`);
  if (!/\.usd[ac]?$/.test(entries[0]!.name)) throw new Error(`${NAME}: the first file is ${entries[0]!.name}, not a USD layer`);
  return entries.map((e) => {
    if (e.method !== 0) throw new Error(`${NAME}: ${e.name} is compressed (method ${e.method}); USDZ files must be stored`);
    if (e.flags & 1) throw new Error(`${NAME}: ${e.name} is encrypted`);
    if (e.compressedSize !== e.size) throw new Error(`${NAME}: ${e.name} has different stored and real sizes`);
    if (view.getUint32(e.localOffset, true) !== LOCAL) throw new Error(`${NAME}: ${e.name} has no local header`);
    const dataOffset = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
    if (dataOffset % 64 !== 0) throw new Error(`${NAME}: ${e.name}'s data starts at ${dataOffset}, not on a 64-byte boundary`);
    if (dataOffset + e.size > bytes.byteLength) throw new Error(`${NAME}: ${e.name} runs past the end of the archive`);
    if (crc32(bytes.subarray(dataOffset, dataOffset + e.size)) >>> 0 !== e.crc) throw new Error(`${NAME}: ${e.name} fails its CRC`);
    return { name: e.name, size: e.size, dataOffset };
  });
}

/** 1980-01-01 00:00, the zip epoch: MS-DOS date (year-1980 << 9 | month << 5 | day) and time 0. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A copy with every file's modification time set to the zip epoch (headers only; data and CRCs are untouched). */
export function fixZipTimes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const e of readZip(out)) {
    view.setUint16(e.centralOffset + 12, 0, true);
    view.setUint16(e.centralOffset + 14, DOS_DATE, true);
    if (view.getUint32(e.localOffset, true) !== LOCAL) throw new Error(`${NAME}: ${e.name} has no local header`);
    view.setUint16(e.localOffset + 10, 0, true);
    view.setUint16(e.localOffset + 12, DOS_DATE, true);
  }
  return out;
}
