// The browser steps in real Chromium (SwiftShader WebGL) with the real <model-viewer>: fidelity scores, posters and
// the USDZ export, all through one viewer page whose every request is answered from memory (and none leaves it).
// Few renders on purpose: SwiftShader on two cores is slow.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchOnDemand, type BrowserProvider } from '../../src/assets/browser.ts';
import { checkFidelity, renderReference } from '../../src/assets/check-fidelity.ts';
import { checkUsdz, exportUsdz } from '../../src/assets/export-usdz.ts';
import { optimize } from '../../src/assets/optimize.ts';
import { renderPosters } from '../../src/assets/render-posters.ts';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { ViewerPage } from '../../src/assets/viewer-page.ts';
import { demoModel, noChromium, noModels, realModel, trickyModel } from './fixtures.ts';

let tools: PipelineTools;
let provider: BrowserProvider;
let browser: Browser;
let viewer: ViewerPage;

describe('browser steps', { skip: noChromium, timeout: 600_000 }, () => {
  before(async () => {
    tools = await loadPipelineTools();
    provider = launchOnDemand();
    browser = await provider.get();
    viewer = await ViewerPage.open(browser);
  });
  after(async () => {
    await viewer?.close();
    await provider?.close();
  });

  it('scores a good optimisation at SSIM >= 0.97 from every view, and a changed colour below', { skip: noModels }, async () => {
    const original = realModel('WaterBottle.glb');
    const t0 = performance.now();
    const reference = await renderReference(original, { viewer, sharp: tools.sharp });
    assert.equal(reference.images.length, 4);

    const good = await optimize(original, { ...tools, losslessDataTextures: true });
    const scored = await checkFidelity(reference, good.glb, { viewer, sharp: tools.sharp });
    assert.equal(scored.pass, true, JSON.stringify(scored.views));
    assert.equal(scored.views.length, 4);
    for (const v of scored.views) assert.ok(v.ssim >= 0.97 && v.ssim <= 1, `${v.orbit}: ${v.ssim}`);

    // A broken "optimisation": the same file with its base colour tinted red.
    const doc = await tools.io.readBinary(original);
    for (const m of doc.getRoot().listMaterials()) m.setBaseColorFactor([1, 0.35, 0.35, 1]);
    const broken = await checkFidelity(reference, await tools.io.writeBinary(doc), { viewer, sharp: tools.sharp });
    assert.equal(broken.pass, false);
    assert.ok(broken.views.every((v) => v.ssim < 0.97), JSON.stringify(broken.views));
    console.log(
      `WaterBottle SSIM good ${scored.views.map((v) => v.ssim).join(' ')}, tinted ${broken.views.map((v) => v.ssim).join(' ')} ` +
        `(${Math.round(performance.now() - t0)} ms for 12 renders)`,
    );
  });

  it('renders posters at every width in WebP and AVIF that decode, are not blank and match in size', async () => {
    const glb = await demoModel('ceramic-mug');
    const posters = await renderPosters(glb, { viewer, sharp: tools.sharp });
    assert.deepEqual(
      posters.map((p) => p.filename).sort(),
      ['poster-1024.avif', 'poster-1024.webp', 'poster-256.avif', 'poster-256.webp', 'poster-512.avif', 'poster-512.webp'],
    );
    for (const p of posters) {
      const { data, info } = await tools.sharp(p.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const meta = await tools.sharp(p.bytes).metadata();
      assert.equal(meta.format, p.format === 'avif' ? 'heif' : 'webp', p.filename);
      assert.equal(info.width, p.width);
      assert.equal(info.height, p.height);
      assert.equal(p.width, p.height, 'square by default');
      // Not blank: the mug covers a good part of the frame, with shading across it.
      let covered = 0, sum = 0, sumSq = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 128) {
          covered++;
          const y = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
          sum += y;
          sumSq += y * y;
        }
      }
      const share = covered / (info.width * info.height);
      const mean = sum / covered;
      const stdev = Math.sqrt(Math.max(0, sumSq / covered - mean * mean));
      assert.ok(share > 0.1 && share < 0.95, `${p.filename}: model covers ${(share * 100).toFixed(1)} %`);
      assert.ok(stdev > 4, `${p.filename}: luminance stdev ${stdev.toFixed(1)} over the model`);
    }
  });

  it('exports a USDZ that is a valid package: USD layer first, stored, 64-byte aligned', async () => {
    const glb = await trickyModel('Patterned'); // textured through TEXCOORD_1 with a texture transform
    const { bytes, entries } = await exportUsdz(glb, { viewer });
    assert.match(entries[0]!.name, /\.usda$/);
    assert.ok(entries.some((e) => /^textures\/.+\.png$/.test(e.name)), entries.map((e) => e.name).join(', '));

    // Read the zip again here, without the step's own reader: local headers in order from byte 0.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const names: string[] = [];
    let p = 0;
    while (view.getUint32(p, true) === 0x04034b50) {
      const method = view.getUint16(p + 8, true);
      const size = view.getUint32(p + 18, true);
      const nameLength = view.getUint16(p + 26, true);
      const extraLength = view.getUint16(p + 28, true);
      const name = new TextDecoder().decode(bytes.subarray(p + 30, p + 30 + nameLength));
      const data = p + 30 + nameLength + extraLength;
      assert.equal(method, 0, `${name} is stored, not deflated`);
      assert.equal(data % 64, 0, `${name} data at ${data}`);
      assert.equal(view.getUint16(p + 12, true), 0x21, `${name} has the fixed date`);
      names.push(name);
      p = data + size;
    }
    assert.deepEqual(names, entries.map((e) => e.name));
    const layer = new TextDecoder().decode(bytes.subarray(entries[0]!.dataOffset, entries[0]!.dataOffset + entries[0]!.size));
    assert.match(layer, /^#usda 1\.0/);
    assert.match(layer, /metersPerUnit = 1/);
    assert.match(layer, /UsdTransform2d/, 'the texture transform is carried over');
    assert.match(layer, /st1|TEXCOORD_1|primvars:st1/, 'the second UV set is used');

    // The checker refuses what Quick Look would: here, a layer that is not first.
    const swapped = new Uint8Array(bytes);
    const central = Buffer.from(swapped.buffer).lastIndexOf('model.usda'); // the central directory's copy of the name
    swapped[central + 'model.usd'.length] = 'x'.charCodeAt(0);
    assert.throws(() => checkUsdz(swapped), /exportUsdz: the first file is model\.usdx, not a USD layer/);
  });

  it('never let a request leave the page', () => {
    assert.deepEqual(viewer.blocked, []);
    assert.deepEqual(viewer.pageErrors, []);
  });
});
