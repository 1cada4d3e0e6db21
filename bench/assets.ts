// npm run bench:assets — the asset pipeline (src/assets/process.ts, exactly what the asset.process job runs) on every
// real model in ../shared/models, against the anchor measured in the same run: the same input through the
// glTF-Transform CLI's `optimize --compress meshopt --texture-compress webp`, scored with the same renders and SSIM.
// Goal (issue #4): no larger than the anchor, at SSIM >= 0.97 from every view of every model.
// Env: BENCH_MODELS (comma-separated file names, default all .glb in the folder), MODELS_DIR.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { launchOnDemand } from '../src/assets/browser.ts';
import { checkFidelity, renderReference } from '../src/assets/check-fidelity.ts';
import { inspectDocument, readGlb } from '../src/assets/inspect.ts';
import { processModel } from '../src/assets/process.ts';
import { loadPipelineTools } from '../src/assets/tools.ts';
import { validate } from '../src/assets/validate.ts';
import { ViewerPage } from '../src/assets/viewer-page.ts';

const run = promisify(execFile);
const MODELS_DIR = path.resolve(process.env.MODELS_DIR ?? path.join('..', 'shared', 'models'));
const CLI = path.resolve('node_modules', '.bin', 'gltf-transform');

if (!existsSync(MODELS_DIR)) {
  console.log(`bench:assets: skipped — no models at ${MODELS_DIR} (set MODELS_DIR)`);
  process.exit(0);
}
const names = (process.env.BENCH_MODELS?.split(',') ?? readdirSync(MODELS_DIR).filter((f) => f.endsWith('.glb')).sort()).map((n) => n.trim());

const tools = await loadPipelineTools();
const browsers = launchOnDemand();
const browser = await browsers.get();
const work = await mkdtemp(path.join(os.tmpdir(), 'vitrine-bench-assets-'));
const kb = (n: number): string => `${(n / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KB`;
const rows: string[] = [];
const steps: string[] = [];
let goalMet = true;

console.log(`bench:assets: ${names.length} models from ${MODELS_DIR}, ${os.cpus().length} cores, node ${process.version}\n`);
try {
  for (const name of names) {
    const input = new Uint8Array(readFileSync(path.join(MODELS_DIR, name)));
    process.stderr.write(`${name}: Vitrine pipeline… `);
    const t0 = performance.now();
    const ours = await processModel(input, { tools, browser, filename: name });
    const oursMs = performance.now() - t0;
    if (ours.status !== 'ready' || !ours.glb) throw new Error(`${name}: the pipeline refused it: ${ours.error}`);
    const o = ours.report.optimisation!;
    const oursSsim = ours.report.ssim ? Math.min(...ours.report.ssim.map((v) => v.ssim)) : 1;

    process.stderr.write('anchor (glTF-Transform CLI)… ');
    const inFile = path.join(work, name);
    const outFile = path.join(work, `anchor-${name}`);
    await writeFile(inFile, input);
    const t1 = performance.now();
    await run(CLI, ['optimize', inFile, outFile, '--compress', 'meshopt', '--texture-compress', 'webp'], { maxBuffer: 16 * 1024 * 1024 });
    const anchorMs = performance.now() - t1;
    const anchor = new Uint8Array(await readFile(outFile));
    const anchorTriangles = inspectDocument(await readGlb(anchor, tools.io)).triangles;
    const anchorErrors = (await validate(anchor, { validator: tools.validator, io: tools.io })).errors;
    // The same four views, the same renderer, the same SSIM as the pipeline's own fidelity check.
    const viewer = await ViewerPage.open(browser);
    let anchorSsim: number;
    try {
      const fidelity = { viewer, sharp: tools.sharp };
      anchorSsim = (await checkFidelity(await renderReference(input, fidelity), anchor, fidelity)).minSsim;
    } finally {
      await viewer.close();
    }
    process.stderr.write('done\n');

    const outBytes = ours.glb.byteLength;
    const ok = outBytes <= anchor.byteLength && oursSsim >= 0.97;
    goalMet &&= ok;
    rows.push(
      `| ${name} | ${kb(input.byteLength)} | ${kb(outBytes)} (${(outBytes / input.byteLength).toFixed(2)}) | ${kb(anchor.byteLength)} (${(anchor.byteLength / input.byteLength).toFixed(2)}) | ` +
        `**${(outBytes / anchor.byteLength).toFixed(2)}** | ${o.trianglesBefore.toLocaleString('en-US')} → ${o.trianglesAfter.toLocaleString('en-US')} | ${anchorTriangles.toLocaleString('en-US')} | ` +
        `${oursSsim.toFixed(4)} | ${anchorSsim.toFixed(4)}${anchorErrors > 0 ? ` (${anchorErrors} validator errors)` : ''} | ${(oursMs / 1000).toFixed(1)} s | ${(anchorMs / 1000).toFixed(1)} s | ${ok ? 'yes' : 'NO'} |`,
    );
    const t = ours.report.timingsMs;
    steps.push(`| ${name} | ${['validate', 'inspect', 'renderOriginal', 'optimize', 'checkFidelity', 'posters', 'usdz'].map((s) => `${((t[s] ?? 0) / 1000).toFixed(1)}`).join(' | ')} | ${o.settings ?? ours.report.reason ?? ''} |`);
  }
} finally {
  await browsers.close();
  await rm(work, { recursive: true, force: true });
}

console.log('| model | input | Vitrine (ratio) | anchor (ratio) | Vitrine ÷ anchor | triangles (Vitrine) | triangles (anchor) | min SSIM Vitrine | min SSIM anchor | time Vitrine | time anchor | goal |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nVitrine per step (s):\n');
console.log('| model | validate | inspect | render original | optimise | fidelity | posters | USDZ | settings |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const s of steps) console.log(s);
console.log(`\nGoal (no larger than the anchor at SSIM >= 0.97 on every view): ${goalMet ? 'met' : 'NOT met'}`);
