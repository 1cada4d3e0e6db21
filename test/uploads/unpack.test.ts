// Unpacking and refusing uploads (src/assets/unpack.ts) on real parts: zips made by fflate, GLBs by glTF-Transform,
// checked by the Khronos validator. Then every kind of bad input issue #4 lists, through processModel itself (the
// job's function): each ends as `failed` with a sentence for the merchant, quickly, and without ever asking for a
// browser (the one given here throws if it is called).
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { processModel } from '../../src/assets/process.ts';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { sniffModel } from '../../src/assets/sniff.ts';
import { ModelInputError, ZipArchive, checkGlbFraming, oversizedTexture, prepareInput, resourcePath } from '../../src/assets/unpack.ts';
import { validate } from '../../src/assets/validate.ts';
import { demoModel, editGlbJson } from '../assets/fixtures.ts';
import { centralEntries, pngHeaderOnly, trickyGltf, zipOf, type GltfFiles } from './fixtures.ts';

let tools: PipelineTools;
let gltf: GltfFiles;
before(async () => {
  tools = await loadPipelineTools();
  gltf = await trickyGltf(tools);
});

const refusal = (pattern: RegExp) => (err: unknown) => err instanceof ModelInputError && pattern.test(err.message);

describe('unpacking a zip', () => {
  it('turns a .gltf with its .bin and texture into a GLB that validates, keeping variants and the texture', async () => {
    const zip = zipOf(gltf, 'my chair/');
    const out = await prepareInput(zip, { io: tools.io });
    assert.equal(out.format, 'zip');
    assert.equal(sniffModel(out.glb), 'glb');
    const v = await validate(out.glb, tools);
    assert.equal(v.errors, 0, JSON.stringify(v.messages.slice(0, 3)));
    const doc = await tools.io.readBinary(out.glb);
    assert.equal(doc.getRoot().listTextures().length, 1);
    assert.equal(doc.getRoot().listTextures()[0]!.getImage()!.byteLength, gltf.resources['baseColor.png']!.byteLength);
    assert.ok(doc.getRoot().listExtensionsUsed().some((e) => e.extensionName === 'KHR_materials_variants'));
    assert.match(out.notes.join('\n'), /my chair\/tricky\.gltf and 2 files/);
  });

  it('ignores macOS metadata and unused files, and says so', async () => {
    const zip = zipOf(gltf, '', (e) => {
      e['__MACOSX/._tricky.gltf'] = new Uint8Array(10);
      e['notes.txt'] = new TextEncoder().encode('hello');
    });
    const out = await prepareInput(zip, { io: tools.io });
    assert.match(out.notes.join('\n'), /ignored 1 file the model does not use: notes\.txt/);
  });

  it('accepts a zip holding a single .glb', async () => {
    const glb = await demoModel('bar-stool');
    const out = await prepareInput(zipSync({ 'stool.glb': glb }), { io: tools.io });
    assert.deepEqual(out.glb, glb);
  });

  it('refuses ../ and absolute paths, naming them', async () => {
    for (const bad of ['../evil.bin', 'model/../../evil.bin', '/etc/passwd', 'C:/Windows/evil.bin', '..\\evil.bin']) {
      const zip = zipOf(gltf, '', (e) => {
        e[bad] = new Uint8Array(4);
      });
      await assert.rejects(prepareInput(zip, { io: tools.io }), refusal(/climbs out|absolute path/), bad);
    }
  });

  it('refuses a zip bomb: a huge ratio, a total over the limit, an entry that inflates past its declared size', async () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const ratio = zipOf(gltf, '', (e) => {
      e['tricky.bin'] = zeros; // ~20 KB stored, 20 MiB unpacked
    });
    await assert.rejects(prepareInput(ratio, { io: tools.io }), refusal(/would unpack \d+ times larger.*zip bomb/));

    await assert.rejects(prepareInput(zipOf(gltf), { io: tools.io, limits: { maxUncompressedBytes: 10_000 } }), refusal(/more than 0\.0 MiB once unpacked/));

    // An entry that lies: it declares 1 MiB (a plausible .bin) but inflates to 8 MiB. Stopped while inflating.
    const lying = zipOf(gltf, '', (e) => {
      e['tricky.bin'] = new Uint8Array(8 * 1024 * 1024).fill(7);
    });
    const view = new DataView(lying.buffer, lying.byteOffset, lying.byteLength);
    for (const { name, at } of centralEntries(lying)) if (name === 'tricky.bin') view.setUint32(at + 24, 1024 * 1024, true);
    const t0 = performance.now();
    await assert.rejects(prepareInput(lying, { io: tools.io }), refusal(/tricky\.bin unpacks to more than the 1048576 bytes it declares/));
    assert.ok(performance.now() - t0 < 5000);
  });

  it('refuses too many entries before reading them', async () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 1001; i++) many[`f${i}.txt`] = new Uint8Array(1);
    await assert.rejects(prepareInput(zipSync(many), { io: tools.io }), refusal(/holds 1001 entries; at most 1000/));
  });

  it('names every missing file a .gltf references', async () => {
    const zip = zipOf(gltf, 'chair/', (e) => {
      delete e['chair/tricky.bin'];
      delete e['chair/baseColor.png'];
    });
    await assert.rejects(prepareInput(zip, { io: tools.io }), refusal(/chair\/tricky\.gltf references files that are missing: tricky\.bin, baseColor\.png/));
  });

  it('refuses a zip without a .gltf, with two, a truncated one, and a .bin shorter than the .gltf says', async () => {
    await assert.rejects(prepareInput(zipSync({ 'readme.txt': new Uint8Array(3) }), { io: tools.io }), refusal(/holds no \.gltf file \(it holds readme\.txt\)/));
    const two = zipOf(gltf, '', (e) => {
      e['copy.gltf'] = e['tricky.gltf']!;
    });
    await assert.rejects(prepareInput(two, { io: tools.io }), refusal(/holds 2 \.gltf files/));
    const whole = zipOf(gltf);
    await assert.rejects(prepareInput(whole.subarray(0, whole.byteLength - 30), { io: tools.io }), refusal(/damaged or truncated/));
    const short = zipOf(gltf, '', (e) => {
      e['tricky.bin'] = e['tricky.bin']!.subarray(0, 100);
    });
    await assert.rejects(prepareInput(short, { io: tools.io }), refusal(/tricky\.bin has 100 bytes, the \.gltf says 14632/));
  });

  it('refuses an unknown required extension and external URLs in a .gltf', async () => {
    const vendor = zipOf({ ...gltf, json: { ...gltf.json, extensionsUsed: ['VENDOR_thing'], extensionsRequired: ['VENDOR_thing'] } });
    await assert.rejects(prepareInput(vendor, { io: tools.io }), refusal(/requires the glTF extension VENDOR_thing/));
    const remote = zipOf({ ...gltf, json: { ...gltf.json, buffers: [{ uri: 'https://example.com/x.bin', byteLength: 14632 }] } });
    await assert.rejects(prepareInput(remote, { io: tools.io }), refusal(/references https:\/\/example\.com\/x\.bin, outside the upload/));
  });

  it('reads an entry stored without compression, and checks every entry against its CRC', async () => {
    const zip = zipSync({ 'a.bin': new Uint8Array([1, 2, 3, 4]), 'b.bin': deflateRawSync(Buffer.from('x')) }, { level: 0 });
    const archive = ZipArchive.open(zip);
    assert.deepEqual([...archive.read('a.bin')], [1, 2, 3, 4]);
    const crcOf = centralEntries(zip).find((e) => e.name === 'a.bin')!.at + 16;
    zip[crcOf] = zip[crcOf]! ^ 0xff;
    assert.throws(() => ZipArchive.open(zip).read('a.bin'), refusal(/does not match its checksum/));
  });
});

describe('resource paths in a .gltf', () => {
  it('are percent-decoded, kept inside the folder, and never URLs', () => {
    assert.equal(resourcePath('textures/wood%20grain.png'), 'textures/wood grain.png');
    assert.equal(resourcePath('./a/../b.bin'), 'b.bin');
    assert.throws(() => resourcePath('../b.bin'), refusal(/outside its folder/));
    assert.throws(() => resourcePath('/b.bin'), refusal(/absolute path/));
    assert.throws(() => resourcePath('file:///etc/passwd'), refusal(/outside the upload/));
  });
});

describe('bad uploads through the job function', () => {
  const noBrowser = async (): Promise<never> => {
    throw new Error('no browser should be needed to refuse this file');
  };
  const run = (bytes: Uint8Array, filename = 'upload.glb') => processModel(bytes, { tools, browser: noBrowser, filename });

  it('refuses each kind of bad input with a clear reason, quickly', async () => {
    const glb = await demoModel('bar-stool');
    const bigChunk = new Uint8Array(glb);
    new DataView(bigChunk.buffer).setUint32(12, glb.byteLength * 4, true);
    const version1 = new Uint8Array(glb);
    new DataView(version1.buffer).setUint32(4, 1, true);
    const cases: [string, Uint8Array, RegExp][] = [
      ['not glTF at all (a PNG)', pngHeaderOnly(4, 4), /^Not a glTF model: .*looks like a PNG image/],
      ['plain text', new TextEncoder().encode('hello, I am a model'), /^Not a glTF model: .* starts with "hell"/],
      ['an empty file', new Uint8Array(0), /^The file is empty/],
      ['a truncated GLB', glb.subarray(0, 1000), new RegExp(`^The GLB is truncated: its header says ${glb.byteLength} bytes but the file has 1000`)],
      ['a GLB cut inside its header', glb.subarray(0, 9), /ends inside its 12-byte header/],
      ['a chunk longer than the file', bigChunk, /chunk 0 \(JSON\) says it holds \d+ bytes, but only \d+ remain/],
      ['glTF 1', version1, /glTF version 1; only glTF 2\.0/],
      ['a .gltf alone', new TextEncoder().encode(JSON.stringify(gltf.json)), /missing: tricky\.bin, baseColor\.png\. Upload the \.gltf together with its \.bin and textures as one \.zip/],
      ['a zip with ../', zipOf(gltf, '', (e) => void (e['../../x.png'] = new Uint8Array(1))), /climbs out of it/],
    ];
    for (const [what, bytes, reason] of cases) {
      const t0 = performance.now();
      const r = await run(bytes);
      assert.equal(r.status, 'failed', what);
      assert.match(r.error ?? '', reason, what);
      assert.equal(r.report.reason, r.error);
      assert.equal(r.report.validation.input.errors, 1, what);
      assert.equal(r.report.validation.input.messages[0]!.code, 'INPUT_REFUSED');
      assert.ok(performance.now() - t0 < 10_000, `${what} took ${performance.now() - t0} ms`);
    }
  });

  it('refuses a texture of 16384×16384 from its header, before anything decodes it', async () => {
    assert.equal(oversizedTexture([{ width: 16384, height: 16383, mimeType: 'image/png' }]), null);
    assert.match(oversizedTexture([{ width: 4, height: 4, mimeType: 'image/png' }, { width: 16384, height: 16384, mimeType: 'image/png' }]) ?? '', /^Texture 1 \(image\/png\) is 16384×16384 pixels/);
    assert.match(oversizedTexture([{ width: 32768, height: 16, mimeType: 'image/png' }]) ?? '', /32768×16/);

    // A model whose texture claims 16384² in its PNG header (the pixels are not there: nothing must try to read them).
    const doc = await tools.io.readBinary(await demoModel('bar-stool'));
    const texture = doc.createTexture('huge').setImage(pngHeaderOnly(16384, 16384)).setMimeType('image/png');
    doc.getRoot().listMaterials()[0]!.setBaseColorTexture(texture);
    const huge = await tools.io.writeBinary(doc);
    const r = await run(huge);
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /^Texture 0 \(image\/png\) is 16384×16384 pixels: .* refused before decoding/);
    assert.equal(r.report.validation.input.errors, 0, 'a valid file: refused for its size alone');
    assert.deepEqual(r.report.inspection?.textures[0], { mimeType: 'image/png', width: 16384, height: 16384, bytes: pngHeaderOnly(16384, 16384).byteLength });
  });

  it('refuses an unknown required extension in a GLB, naming it', async () => {
    const vendor = editGlbJson(await demoModel('bar-stool'), (json) => {
      json.extensionsUsed = [...((json.extensionsUsed as string[]) ?? []), 'VENDOR_required_thing'];
      json.extensionsRequired = ['VENDOR_required_thing'];
    });
    const r = await run(vendor);
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /VENDOR_required_thing/);
  });

  it('passes a good GLB framing check and sniffs formats', async () => {
    checkGlbFraming(await demoModel('bar-stool'));
    assert.equal(sniffModel(zipOf(gltf)), 'zip');
    assert.equal(sniffModel(new TextEncoder().encode('\ufeff  {"asset":{}}')), 'gltf');
    assert.equal(sniffModel(new Uint8Array([1, 2, 3])), null);
  });
});
