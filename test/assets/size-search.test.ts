// The pipeline publishes the smallest file that still looks the same: on a real model, the size search (AVIF 4:4:4
// at the lowest passing quality, tangents left to the viewer when that still passes) beats publishing the first
// settings that pass, at SSIM >= 0.97 from every view, with every triangle kept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BrowserProvider, launchOnDemand } from '../../src/assets/browser.ts';
import { inspectDocument, readGlb } from '../../src/assets/inspect.ts';
import { processModel } from '../../src/assets/process.ts';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { noChromium, noModels, realModel } from './fixtures.ts';

describe('size search', { skip: noChromium || noModels, timeout: 900_000 }, () => {
  let tools: PipelineTools;
  let browser: BrowserProvider;
  before(async () => {
    tools = await loadPipelineTools();
    browser = launchOnDemand();
  });
  after(async () => {
    await browser?.close();
  });

  it('WaterBottle: smaller than the first passing settings, still faithful, valid and whole', async () => {
    const input = realModel('WaterBottle.glb');
    const common = { tools, browser: browser.get, filename: 'WaterBottle.glb', usdz: false as const };
    const plain = await processModel(input, { ...common, searchSmaller: false });
    const searched = await processModel(input, common);
    for (const r of [plain, searched]) {
      assert.equal(r.status, 'ready', r.error);
      assert.equal(r.report.publishedOriginal, false);
      for (const v of r.report.ssim!) assert.ok(v.ssim >= 0.97, `${v.orbit}: ${v.ssim}`);
      assert.equal(r.report.validation.output?.errors, 0);
    }
    const [a, b] = [plain.glb!.byteLength, searched.glb!.byteLength];
    assert.ok(b < a * 0.8, `the search saves at least a fifth: ${b} vs ${a} bytes`);
    assert.match(searched.report.optimisation!.settings!, /AVIF 4:4:4 q\d+/);
    assert.equal(searched.report.optimisation!.bytesAfter, b);
    assert.equal(inspectDocument(await readGlb(searched.glb!, tools.io)).triangles, inspectDocument(await readGlb(input, tools.io)).triangles);
    // What was tried and why it was not published is in the report, for the merchant.
    assert.ok(searched.report.optimisation!.fallbacks.every((f) => typeof f === 'string'));
  });
});
