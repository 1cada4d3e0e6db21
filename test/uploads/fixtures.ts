// Uploads as merchants make them, for the upload and unpack tests: a model as a .gltf with its .bin and texture in a
// zip (from the tricky test model, which has a PNG texture and material variants), and ways to break one.
import { crc32, deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import type { PipelineTools } from '../../src/assets/tools.ts';
import { trickyModel } from '../assets/fixtures.ts';

export interface GltfFiles {
  /** The .gltf's name and JSON. */
  readonly gltfName: string;
  readonly json: Record<string, unknown>;
  /** Its external files by URI: the .bin and the texture. */
  readonly resources: Record<string, Uint8Array>;
}

/** The tricky model written as a .gltf with external files (glTF-Transform's writeJSON, the pipeline's I/O). */
export async function trickyGltf(tools: PipelineTools, basename = 'tricky'): Promise<GltfFiles> {
  const doc = await tools.io.readBinary(await trickyModel());
  const { json, resources } = await tools.io.writeJSON(doc, { basename });
  return { gltfName: `${basename}.gltf`, json: json as unknown as Record<string, unknown>, resources };
}

/** A zip of the files, under `folder/` when given (as zipping a folder does). `edit` may drop or add entries. */
export function zipOf(files: GltfFiles, folder = '', edit?: (entries: Record<string, Uint8Array>) => void): Uint8Array {
  const entries: Record<string, Uint8Array> = { [`${folder}${files.gltfName}`]: new TextEncoder().encode(JSON.stringify(files.json)) };
  for (const [uri, bytes] of Object.entries(files.resources)) entries[`${folder}${decodeURIComponent(uri)}`] = bytes;
  edit?.(entries);
  return zipSync(entries, { level: 6 });
}

/** Offsets of each central-directory entry in a zip (to tamper with what it declares). */
export function centralEntries(zip: Uint8Array): { name: string; at: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.byteLength - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out: { name: string; at: number }[] = [];
  for (let i = 0; i < count; i++) {
    const n = view.getUint16(p + 28, true);
    out.push({ name: new TextDecoder().decode(zip.subarray(p + 46, p + 46 + n)), at: p });
    p += 46 + n + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return out;
}

/**
 * A well-formed PNG of any declared size: IHDR, one IDAT holding a few bytes of a zlib stream, IEND, with their CRCs.
 * Parsers that read headers (the validator, glTF-Transform) accept it; decoding it would fail or cost gigabytes.
 */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.byteLength);
    out.writeUInt32BE(data.byteLength, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.byteLength)) >>> 0, 8 + data.byteLength);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
