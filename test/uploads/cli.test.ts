// `npx vitrine assets:optimize <input> <out-dir>` as a real process: the job's steps on a local file, outputs and
// report.json written, exit 0 when the model is publishable and non-zero with the reason otherwise. Refusals need
// no browser; the publishable runs render with Chromium (skipped where it is not installed).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPipelineTools } from '../../src/assets/tools.ts';
import { runCli } from '../accounts/cli-runner.ts';
import { demoModel, noChromium } from '../assets/fixtures.ts';
import { trickyGltf } from './fixtures.ts';

let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-optimize-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function optimize(input: string, out: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(['assets:optimize', input, out], '', { VITRINE_DATA_DIR: dir, ...env });
}

// any: report.json's fields are checked one by one
const readReport = async (out: string): Promise<any> => JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));

describe('vitrine assets:optimize', { timeout: 600_000 }, () => {
  it('refuses a file that is not glTF: exit 1, the reason on stderr and in report.json, no browser needed', async () => {
    const input = path.join(dir, 'brochure.glb');
    await writeFile(input, '%PDF-1.7 not a model');
    const out = path.join(dir, 'out-pdf');
    const r = await optimize(input, out, { CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Not publishable: Not a glTF model: .* looks like a PDF document/);
    const report = await readReport(out);
    assert.equal(report.publishable, false);
    assert.equal(report.status, 'failed');
    assert.match(report.reason, /^Not a glTF model/);
    assert.deepEqual(report.outputs, []);
    assert.deepEqual(await readdir(out), ['report.json']);
  });

  it('names the files a .gltf is missing beside it, and refuses a truncated GLB', async () => {
    const tools = await loadPipelineTools();
    const files = await trickyGltf(tools);
    const folder = path.join(dir, 'half');
    await mkdir(folder);
    await writeFile(path.join(folder, files.gltfName), JSON.stringify(files.json));
    const r = await optimize(path.join(folder, files.gltfName), path.join(dir, 'out-half'), { CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tricky\.gltf references files that are missing: tricky\.bin, baseColor\.png\. Put them next to the \.gltf/);

    const truncated = path.join(dir, 'cut.glb');
    await writeFile(truncated, (await demoModel('bar-stool')).subarray(0, 5000));
    const t = await optimize(truncated, path.join(dir, 'out-cut'), { CHROMIUM_PATH: '/nonexistent/chromium' });
    assert.equal(t.code, 1);
    assert.match(t.stderr, /The GLB is truncated: its header says \d+ bytes but the file has 5000/);
  });

  it('refuses a missing input file with a non-zero exit', async () => {
    const r = await optimize(path.join(dir, 'nope.glb'), path.join(dir, 'out-nope'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nope\.glb: no such file/);
  });

  it('optimises a generated model: exit 0, the GLB, posters, USDZ and a report with SSIM per view', { skip: noChromium }, async () => {
    const input = path.join(dir, 'bar-stool.glb');
    const glb = await demoModel('bar-stool');
    await writeFile(input, glb);
    const out = path.join(dir, 'out-stool');
    const r = await optimize(input, out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Publishable: /);
    const report = await readReport(out);
    assert.equal(report.publishable, true);
    assert.equal(report.input.format, 'glb');
    assert.equal(report.validation.input.errors, 0);
    assert.equal(report.ssim.length, 4);
    for (const v of report.ssim) assert.ok(v.ssim >= 0.97, `${v.orbit}: ${v.ssim}`);
    assert.ok(Array.isArray(report.optimisation.fallbacks));
    const names = await readdir(out);
    assert.ok(names.includes('bar-stool.glb') && names.includes('bar-stool.usdz'), names.join(', '));
    assert.equal(names.filter((n) => /^bar-stool-poster-\d+\.(webp|avif)$/.test(n)).length, 6);
    const published = await readFile(path.join(out, 'bar-stool.glb'));
    assert.equal(report.sizes.published, published.byteLength);
    assert.ok(published.byteLength < glb.byteLength);
    assert.deepEqual(report.outputs.map((o: { file: string }) => o.file).sort(), names.filter((n) => n !== 'report.json').sort());
  });

  it('takes a .gltf with its .bin and texture beside it', { skip: noChromium }, async () => {
    const tools = await loadPipelineTools();
    const files = await trickyGltf(tools);
    const folder = path.join(dir, 'whole');
    await mkdir(folder);
    await writeFile(path.join(folder, files.gltfName), JSON.stringify(files.json));
    for (const [uri, bytes] of Object.entries(files.resources)) await writeFile(path.join(folder, decodeURIComponent(uri)), bytes);
    const out = path.join(dir, 'out-whole');
    const r = await optimize(path.join(folder, files.gltfName), out);
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(out);
    assert.equal(report.input.format, 'gltf');
    assert.match(report.notes.join('\n'), /converted tricky\.gltf to GLB/);
  });
});
