// The whole pipeline (process.ts) on every real model in ../shared/models, with a table of what it did: bytes,
// triangles, SSIM, settings and time per model. Slow (about 10–35 s per model on two cores), so it runs only when
// asked: VITRINE_ASSET_BENCH=1 node --import tsx --test test/assets/real-models.test.ts
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BrowserProvider, launchOnDemand } from '../../src/assets/browser.ts';
import { processModel } from '../../src/assets/process.ts';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { noChromium, noModels, realModel } from './fixtures.ts';

const asked = process.env.VITRINE_ASSET_BENCH === '1' ? false : 'set VITRINE_ASSET_BENCH=1 to process every real model';
const MODELS = ['WaterBottle.glb', 'BoomBox.glb', 'Corset.glb', 'Mixer.glb', 'WickerChair.glb'];

describe('every real model through the pipeline', { skip: asked || noModels || noChromium, timeout: 900_000 }, () => {
  let tools: PipelineTools;
  let browser: BrowserProvider;
  const rows: string[] = [];
  before(async () => {
    tools = await loadPipelineTools();
    browser = launchOnDemand();
  });
  after(async () => {
    await browser?.close();
    if (rows.length > 0) console.log(['| model | bytes before → after | triangles | min SSIM | settings | USDZ | time |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
  });

  for (const name of MODELS) {
    it(name, async () => {
      const input = realModel(name);
      const t0 = performance.now();
      const result = await processModel(input, { tools, browser: await browser.get() });
      const ms = Math.round(performance.now() - t0);
      assert.equal(result.status, 'ready', result.error);
      const { optimisation: o, ssim } = result.report;
      assert.ok(o && o.bytesAfter <= o.bytesBefore);
      assert.equal(o.trianglesAfter, o.trianglesBefore);
      for (const v of ssim ?? []) assert.ok(v.ssim >= 0.97, `${v.orbit}: ${v.ssim}`);
      assert.equal(result.posters.length, 6);
      const minSsim = ssim ? Math.min(...ssim.map((v) => v.ssim)) : null;
      rows.push(
        `| ${name} | ${o.bytesBefore.toLocaleString('en-US')} → ${o.bytesAfter.toLocaleString('en-US')} | ${o.trianglesAfter.toLocaleString('en-US')} | ` +
          `${minSsim ?? 'original'} | ${o.settings ?? result.report.reason} | ${result.usdz ? `${Math.round(result.usdz.byteLength / 1024)} KB` : 'none'} | ${(ms / 1000).toFixed(1)} s |`,
      );
    });
  }
});
