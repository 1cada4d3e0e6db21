// `vitrine assets:optimize <input.glb|.gltf|.zip> <out-dir>`: the asset.process job's steps (src/assets/process.ts,
// the same function with the same settings) on a local file, with no store, queue or server involved. Writes the
// published GLB, the posters, the USDZ and report.json (validation, inspection, sizes, SSIM per view, what fell
// back and why) into <out-dir>. Exit code 0 when the model is publishable; 1 with the reason on stderr otherwise
// (report.json is written then too). A .gltf's .bin and textures are read from beside it, never from outside its
// folder; the size limit is the upload limit (MAX_UPLOAD_BYTES), for the file and everything it references.
// Rendering needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium), launched only once the file is valid.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { launchOnDemand } from '../assets/browser.ts';
import { PROCESS_STEPS, type ProcessResult, processModel } from '../assets/process.ts';
import { loadPipelineTools } from '../assets/tools.ts';
import { ModelInputError, type ResourceResolver } from '../assets/unpack.ts';
import { type Progress, progress } from './progress.ts';

export class CliInputError extends Error {
  readonly code = 'INVALID_INPUT';
}

export interface OptimizeReport extends Record<string, unknown> {
  readonly publishable: boolean;
  readonly status: 'ready' | 'failed';
  readonly reason?: string;
}

/** Runs the pipeline on `input`, writes into `outDir`; resolves to the exit code (0 publishable, 1 not). */
export async function assetsOptimizeCommand(config: Pick<Config, 'MAX_UPLOAD_BYTES'>, input: string, outDir: string): Promise<number> {
  const file = path.resolve(input);
  const out = path.resolve(outDir);
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile()) throw new CliInputError(`${input}: no such file`);
  const name = path.basename(file);
  const stem = name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'model';
  const limit = config.MAX_UPLOAD_BYTES;
  await fs.mkdir(out, { recursive: true });

  if (st.size > limit) {
    const reason = `The file is ${st.size} bytes; the limit is ${limit} (MAX_UPLOAD_BYTES).`;
    return finish(out, { tool: 'vitrine assets:optimize', input: { file: name, bytes: st.size }, status: 'failed', publishable: false, reason }, []);
  }
  const bytes = new Uint8Array(await fs.readFile(file));
  const resolveResource = /\.gltf$/i.test(name) ? besideOnDisk(path.dirname(file), limit - bytes.byteLength) : undefined;

  const tools = await loadPipelineTools();
  const browser = launchOnDemand();
  const bar = stepProgress(`Processing ${name}`);
  const seen = new Map<string, number>();
  let done = 0;
  let result: ProcessResult;
  try {
    result = await processModel(bytes, {
      tools,
      browser: async () => {
        try {
          return await browser.get();
        } catch (err) {
          throw new Error(`rendering needs Chromium (set CHROMIUM_PATH, or apt-get install chromium): ${(err as Error).message.split('\n')[0]}`);
        }
      },
      filename: name,
      ...(resolveResource ? { resolveResource } : {}),
      onStep: (step) => {
        const n = (seen.get(step) ?? 0) + 1;
        seen.set(step, n);
        done = Math.max(done, PROCESS_STEPS.indexOf(step)); // steps that run again (inspect, lighter attempts) do not go back
        bar.update(done, PROCESS_STEPS.length, n > 1 ? `${step} (again: ${n})` : step);
      },
    });
    bar.update(PROCESS_STEPS.length, PROCESS_STEPS.length, 'done');
  } finally {
    bar.stop();
    await browser.close();
  }

  const written: { file: string; bytes: number; kind: string }[] = [];
  const write = async (fileName: string, data: Uint8Array, kind: string): Promise<void> => {
    await fs.writeFile(path.join(out, fileName), data);
    written.push({ file: fileName, bytes: data.byteLength, kind });
  };
  if (result.status === 'ready') {
    await write(`${stem}.glb`, result.glb!, 'model/gltf-binary');
    for (const p of result.posters) await write(`${stem}-${p.filename}`, p.bytes, p.mimeType);
    if (result.usdz) await write(`${stem}.usdz`, result.usdz, 'model/vnd.usdz+zip');
  }
  const { report } = result;
  const published = result.glb?.byteLength;
  return finish(
    out,
    {
      tool: 'vitrine assets:optimize',
      input: { file: name, bytes: bytes.byteLength, ...(result.input ? { format: result.input.format, glbBytes: result.input.glbBytes } : {}) },
      status: result.status,
      publishable: result.status === 'ready',
      ...(result.error ? { reason: result.error } : {}),
      sizes: {
        input: bytes.byteLength,
        ...(result.input ? { glb: result.input.glbBytes } : {}),
        ...(published !== undefined ? { published, saved: result.input ? `${Math.round((1 - published / result.input.glbBytes) * 100)}%` : undefined } : {}),
      },
      ...report,
      ...(report.ssim ? { ssimMin: Math.min(...report.ssim.map((v) => v.ssim)) } : {}),
    },
    written,
  );
}

/** A bar on a terminal; otherwise one line per step, with its name (CI logs, pipes). */
function stepProgress(title: string): Progress {
  if (process.stderr.isTTY) return progress(title);
  return {
    update(done, total, label) {
      process.stderr.write(`${title}: [${done}/${total}] ${label}\n`);
    },
    stop() {},
  };
}

/** Writes report.json (with the list of outputs), says what happened, and gives the exit code. */
async function finish(out: string, report: OptimizeReport, written: { file: string; bytes: number; kind: string }[]): Promise<number> {
  const full = { ...report, outputs: written };
  await fs.writeFile(path.join(out, 'report.json'), `${JSON.stringify(full, null, 2)}\n`);
  if (report.publishable) {
    const sizes = report.sizes as { glb?: number; published?: number; saved?: string } | undefined;
    const how = report.publishedOriginal ? `the original is published (${String(report.reason ?? 'no optimisation looked the same')})` : `optimised ${sizes?.glb} → ${sizes?.published} bytes (${sizes?.saved} smaller)`;
    process.stdout.write(`Publishable: ${how}. Wrote ${written.length + 1} files to ${out}\n`);
    return 0;
  }
  process.stderr.write(`Not publishable: ${report.reason}\nWrote ${path.join(out, 'report.json')}\n`);
  return 1;
}

/** A .gltf's files from its folder on disk, never outside it, within what the size limit leaves. */
function besideOnDisk(dir: string, budget: number): ResourceResolver {
  let left = budget;
  return async (rel) => {
    const file = path.resolve(dir, ...rel.split('/'));
    if (file !== dir && !file.startsWith(`${dir}${path.sep}`)) return undefined; // resourcePath() refuses these already
    let bytes: Buffer;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return undefined;
      left -= st.size;
      if (left < 0) throw new ModelInputError('The .gltf and the files it references add up to more than the upload limit (MAX_UPLOAD_BYTES).');
      bytes = await fs.readFile(file);
    } catch (err) {
      if (err instanceof ModelInputError) throw err;
      return undefined;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}
