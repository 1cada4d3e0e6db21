// What an uploaded file is, from its first bytes: the API refuses a non-model before storing it, without loading
// the unpacker (fflate, glTF-Transform), which only the asset job needs.
export type ModelFormat = 'glb' | 'zip' | 'gltf';

export const GLB_MAGIC = 0x46546c67; // "glTF"

/** What the first bytes say the file is: a GLB, a zip, a .gltf's JSON, or none of them. */
export function sniffModel(head: Uint8Array): ModelFormat | null {
  if (head.byteLength >= 4 && readU32(head, 0) === GLB_MAGIC) return 'glb';
  if (head.byteLength >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
  while (i < head.byteLength && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b ? 'gltf' : null; // "{"
}

/** Why a file is not a model, naming what it looks like when that is recognisable. */
export function notAModel(head: Uint8Array, size = head.byteLength): string {
  if (size === 0) return 'The file is empty.';
  const text = new TextDecoder('latin1').decode(head.subarray(0, 64));
  const known: [boolean, string][] = [
    [head[0] === 0x89 && text.slice(1, 4) === 'PNG', 'a PNG image'],
    [head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff, 'a JPEG image'],
    [text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP', 'a WebP image'],
    [text.startsWith('%PDF'), 'a PDF document'],
    [head[0] === 0x1f && head[1] === 0x8b, 'a gzip archive'],
    [text.startsWith('Rar!'), 'a RAR archive'],
    [head[0] === 0x37 && head[1] === 0x7a && head[2] === 0xbc && head[3] === 0xaf, 'a 7-Zip archive'],
    [text.startsWith('Kaydara FBX Binary'), 'an FBX model (convert it to glTF first, e.g. with Blender)'],
    [text.startsWith('BLENDER'), 'a Blender file (export it as glTF Binary, .glb)'],
    [text.startsWith('solid '), 'an STL model (convert it to glTF first)'],
    [/^(#[^\n]*\n|\s)*(v|vn|vt|o|g|mtllib|usemtl)\s/.test(text), 'an OBJ model (convert it to glTF first)'],
    [text.startsWith('#usda') || text.startsWith('PXR-USDC'), 'a USD file (upload the glTF the USDZ was made from)'],
  ];
  const like = known.find(([yes]) => yes)?.[1];
  const shown = [...head.subarray(0, 4)].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  return (
    `Not a glTF model: a .glb starts with "glTF" and a .zip with "PK", this file starts with "${shown}"` +
    `${like ? ` and looks like ${like}` : ''}. Upload a .glb, or a .zip holding a .gltf with its .bin and textures.`
  );
}

/** A little-endian unsigned 32-bit integer (GLB headers and chunk lengths). */
export function readU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
