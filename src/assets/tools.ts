// The asset pipeline's heavy dependencies, loaded once per process and only when a job needs them (the API process
// that never processes a model never pays for the validator, the codecs or sharp). The steps never import these:
// each receives what it needs, as glTF-Transform's own functions receive their encoders.
import { createRequire } from 'node:module';
import { type ILogger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import type sharpFn from 'sharp';

/** The slice of `gltf-validator` (compiled from Dart, no type declarations) the pipeline uses. */
export interface GltfValidator {
  validateBytes(data: Uint8Array, options?: GltfValidatorOptions): Promise<GltfValidatorReport>;
  version(): string;
}

export interface GltfValidatorOptions {
  readonly format?: 'glb' | 'gltf';
  readonly maxIssues?: number;
  readonly ignoredIssues?: readonly string[];
  readonly uri?: string;
}

export interface GltfValidatorReport {
  readonly issues: {
    readonly numErrors: number;
    readonly numWarnings: number;
    readonly numInfos: number;
    readonly numHints: number;
    readonly truncated: boolean;
    readonly messages: readonly { code: string; message: string; severity: number; pointer?: string }[];
  };
  readonly info?: { readonly extensionsUsed?: readonly string[]; readonly totalTriangleCount?: number };
}

/** meshoptimizer's encoder, as glTF-Transform's `meshopt()` and `reorder()` expect it. */
export interface MeshoptEncoderLike {
  readonly ready: Promise<void>;
}

export type Sharp = typeof sharpFn;

export interface PipelineTools {
  readonly validator: GltfValidator;
  readonly sharp: Sharp;
  readonly meshoptEncoder: MeshoptEncoderLike;
  /** meshoptimizer's simplifier, for the opt-in `simplify`. */
  readonly meshoptSimplifier: MeshoptEncoderLike;
  /** Draco's encoder module (draco3dgltf), for `geometry: 'draco'`. */
  readonly dracoEncoder: unknown;
  /** Reads and writes GLB with every extension glTF-Transform knows and the Draco/meshopt codecs registered. */
  readonly io: NodeIO;
}

interface Draco3d {
  createEncoderModule(): Promise<unknown>;
  createDecoderModule(): Promise<unknown>;
}

let loading: Promise<PipelineTools> | undefined;

/** The tools, loaded on first call and shared afterwards (they hold no per-job state). */
export function loadPipelineTools(): Promise<PipelineTools> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined; // a failed load (e.g. out of memory) may succeed next time
    throw err;
  });
  return loading;
}

async function load(): Promise<PipelineTools> {
  const require = createRequire(import.meta.url);
  // Neither package ships type declarations: the interfaces above are the parts used.
  const validator = require('gltf-validator') as GltfValidator;
  const draco3d = require('draco3dgltf') as Draco3d;
  const [{ MeshoptEncoder, MeshoptDecoder, MeshoptSimplifier }, { default: sharp }, dracoEncoder, dracoDecoder] = await Promise.all([
    import('meshoptimizer'),
    import('sharp'),
    draco3d.createEncoderModule(),
    draco3d.createDecoderModule(),
  ]);
  await Promise.all([MeshoptEncoder.ready, MeshoptDecoder.ready, MeshoptSimplifier.ready]);
  const io = new NodeIO()
    .setLogger(QUIET)
    .registerExtensions(ALL_EXTENSIONS)
    .registerDependencies({
      'draco3d.decoder': dracoDecoder,
      'draco3d.encoder': dracoEncoder,
      'meshopt.decoder': MeshoptDecoder,
      'meshopt.encoder': MeshoptEncoder,
    });
  return { validator, sharp, meshoptEncoder: MeshoptEncoder, meshoptSimplifier: MeshoptSimplifier, dracoEncoder, io };
}

/** glTF-Transform logs progress to the console by default; jobs keep their own record instead. */
const QUIET: ILogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that keeps glTF-Transform's warnings and errors for the job's report. */
export class CollectingLogger implements ILogger {
  readonly messages: string[] = [];
  debug(): void {}
  info(): void {}
  warn(text: string): void {
    if (this.messages.length < 50) this.messages.push(text);
  }
  error(text: string): void {
    if (this.messages.length < 50) this.messages.push(text);
  }
}
