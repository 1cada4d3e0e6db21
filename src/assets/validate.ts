// Validate: the Khronos glTF validator's verdict on a GLB, in a shape a merchant can read. Errors mean the model
// must not be published; warnings are kept in the asset's report.
//
// The validator cannot look inside compressed geometry: for KHR_draco_mesh_compression and EXT_meshopt_compression
// it reports UNSUPPORTED_EXTENSION and checks nothing of the meshes. Given an `io` with the decoders registered, this
// step therefore decodes such a file, writes it back uncompressed and validates that too; its messages carry
// `decoded: true` (their pointers refer to the decoded file). Without an `io` the meshes are listed as unchecked.
import type { PlatformIO } from '@gltf-transform/core';
import type { GltfValidator } from './tools.ts';

export const NAME = 'validate';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface ValidationMessage {
  readonly code: string;
  readonly message: string;
  readonly severity: Severity;
  /** JSON pointer into the glTF ("/meshes/0/primitives/0"), "" for the file as a whole. */
  readonly pointer: string;
  /** Found in the decoded form of a Draco/meshopt-compressed file. */
  readonly decoded?: true;
}

export interface Validation {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly hints: number;
  /** Errors first, then warnings, infos (and hints if asked for); at most `maxMessages`. */
  readonly messages: ValidationMessage[];
  /** More messages were found than are listed. */
  readonly truncated: boolean;
  /** Compression extensions the validator cannot see into. */
  readonly compressed: string[];
  /** Whether the decoded form of a compressed file was validated too (always true when nothing is compressed). */
  readonly decodedChecked: boolean;
}

export interface ValidateOptions {
  /** `gltf-validator` (see tools.ts). */
  readonly validator: GltfValidator;
  /** An I/O with the Draco and meshopt decoders registered, to validate compressed files' decoded form. */
  readonly io?: PlatformIO;
  readonly maxMessages?: number;
  /** Hints are advice on performance (e.g. BUFFER_VIEW_TARGET_MISSING): counted, but listed only when asked. */
  readonly includeHints?: boolean;
}

export const VALIDATE_DEFAULTS: Required<Omit<ValidateOptions, 'validator' | 'io'>> = {
  maxMessages: 100,
  includeHints: false,
};

/** Geometry compression the validator reports as UNSUPPORTED_EXTENSION without checking what it encodes. */
export const OPAQUE_EXTENSIONS: readonly string[] = ['KHR_draco_mesh_compression', 'EXT_meshopt_compression'];

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

export async function validate(bytes: Uint8Array, options: ValidateOptions): Promise<Validation> {
  const opts = { ...VALIDATE_DEFAULTS, ...options };
  if (!opts.validator || typeof opts.validator.validateBytes !== 'function') throw new Error(`${NAME}: Requires a validator (gltf-validator)`);
  if (!Number.isInteger(opts.maxMessages) || opts.maxMessages < 1) throw new Error(`${NAME}: Requires maxMessages >= 1`);
  if (!(bytes instanceof Uint8Array)) throw new Error(`${NAME}: Requires the file's bytes as a Uint8Array`);

  const raw = await runValidator(opts.validator, bytes, opts.maxMessages);
  const compressed = OPAQUE_EXTENSIONS.filter((ext) =>
    raw.messages.some((m) => m.code === 'UNSUPPORTED_EXTENSION' && m.message.includes(`'${ext}'`)),
  );
  if (compressed.length === 0 || raw.errors > 0 || !opts.io) {
    return summarise([raw], compressed, compressed.length === 0, opts);
  }
  let decoded: RawResult;
  try {
    decoded = await runValidator(opts.validator, await decode(opts.io, bytes), opts.maxMessages);
    decoded = { ...decoded, messages: decoded.messages.map((m) => ({ ...m, decoded: true as const })) };
  } catch (err) {
    const message = `The compressed geometry could not be decoded: ${(err as Error).message}`;
    decoded = { errors: 1, warnings: 0, infos: 0, hints: 0, truncated: false, messages: [{ code: 'DECODE_FAILED', message, severity: 'error', pointer: '', decoded: true }] };
  }
  // The decoded file's UNSUPPORTED_EXTENSION notes for the codecs are gone; keep the raw file's, they explain why.
  return summarise([raw, decoded], compressed, true, opts);
}

interface RawResult {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly hints: number;
  readonly truncated: boolean;
  readonly messages: ValidationMessage[];
}

async function runValidator(validator: GltfValidator, bytes: Uint8Array, maxMessages: number): Promise<RawResult> {
  try {
    // The validator keeps a reference and may read the buffer asynchronously: give it its own copy.
    const report = await validator.validateBytes(new Uint8Array(bytes), { format: 'glb', maxIssues: Math.max(maxMessages * 4, 400) });
    const { issues } = report;
    return {
      errors: issues.numErrors,
      warnings: issues.numWarnings,
      infos: issues.numInfos,
      hints: issues.numHints,
      truncated: issues.truncated,
      messages: issues.messages.map((m) => ({
        code: m.code,
        message: m.message,
        severity: SEVERITIES[m.severity] ?? 'error',
        pointer: m.pointer ?? '',
      })),
    };
  } catch (err) {
    // The validator rejects (rather than reports) input it cannot even classify as glTF or GLB.
    const message = typeof err === 'string' ? err : (err as Error)?.message ?? String(err);
    return { errors: 1, warnings: 0, infos: 0, hints: 0, truncated: false, messages: [{ code: 'UNREADABLE', message, severity: 'error', pointer: '' }] };
  }
}

/** The same model without its geometry compression: what the validator can check. */
async function decode(io: PlatformIO, bytes: Uint8Array): Promise<Uint8Array> {
  const doc = await io.readBinary(bytes);
  for (const ext of doc.getRoot().listExtensionsUsed()) {
    if (OPAQUE_EXTENSIONS.includes(ext.extensionName)) ext.dispose();
  }
  return io.writeBinary(doc);
}

function summarise(parts: RawResult[], compressed: string[], decodedChecked: boolean, opts: Required<Omit<ValidateOptions, 'io'>>): Validation {
  const rank = (s: Severity): number => SEVERITIES.indexOf(s);
  // The decoded file repeats most of what the raw file said (materials, textures): count and list those once.
  const seen = new Set<string>();
  const repeated = { error: 0, warning: 0, info: 0, hint: 0 };
  const all: ValidationMessage[] = [];
  for (const m of parts.flatMap((p) => p.messages)) {
    const key = `${m.severity}|${m.code}|${m.pointer}|${m.message}`;
    if (m.decoded && seen.has(key)) {
      repeated[m.severity]++;
      continue;
    }
    seen.add(key);
    if (opts.includeHints || m.severity !== 'hint') all.push(m);
  }
  all.sort((a, b) => rank(a.severity) - rank(b.severity)); // stable: the validator's order within a severity
  const sum = (k: 'errors' | 'warnings' | 'infos' | 'hints', s: Severity): number => parts.reduce((n, p) => n + p[k], 0) - repeated[s];
  return {
    errors: sum('errors', 'error'),
    warnings: sum('warnings', 'warning'),
    infos: sum('infos', 'info'),
    hints: sum('hints', 'hint'),
    messages: all.slice(0, opts.maxMessages),
    truncated: all.length > opts.maxMessages || parts.some((p) => p.truncated),
    compressed,
    decodedChecked,
  };
}

/** One line for the merchant: how many errors and the first few, e.g. "2 errors: INVALID_JSON at /: …". */
export function describeErrors(v: Validation, max = 3): string {
  const errors = v.messages.filter((m) => m.severity === 'error');
  const shown = errors.slice(0, max).map((m) => `${m.code}${m.pointer ? ` at ${m.pointer}` : ''}: ${m.message}`);
  const more = v.errors > shown.length ? ` (and ${v.errors - shown.length} more)` : '';
  return `The model is not valid glTF (${v.errors} error${v.errors === 1 ? '' : 's'}): ${shown.join('; ')}${more}`;
}
