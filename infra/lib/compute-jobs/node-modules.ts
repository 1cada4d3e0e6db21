// The packages the asset function ships beside its bundle, unbundled: they read their own files at run time
// (sharp's native library, the validator, the Draco codec, model-viewer and three served to the render page,
// playwright-core, and the Chromium of @sparticuz/chromium). Their dependency closure is resolved the way Node
// resolves it, from the node_modules folders already installed (the app's, then infra's for @sparticuz/chromium),
// and copied at synth: offline, no npm install, no Docker.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The packages the asset pipeline loads at run time, as the app imports them. */
export const ASSET_PACKAGES: readonly string[] = [
  '@sparticuz/chromium',
  'playwright-core',
  'sharp',
  'gltf-validator',
  'draco3dgltf',
  'meshoptimizer',
  '@google/model-viewer',
  'three',
];

/**
 * Packages whose run-time files are a few self-contained ones: only these paths are shipped, and their
 * dependencies (bundled into those files) are not. The render page serves model-viewer's minified bundle and
 * three's build/ and examples/jsm/ (src/assets/viewer-page.ts); the rest of both is 60 MB of sources.
 */
export const ONLY: Readonly<Record<string, readonly string[]>> = {
  '@google/model-viewer': ['package.json', 'LICENSE', 'dist/model-viewer.min.js'],
  three: ['package.json', 'LICENSE', 'build', 'examples/jsm'],
};

export interface PackageCopy {
  readonly name: string;
  /** Only these paths of the package (ONLY), or all of it. */
  readonly only?: readonly string[];
  /** The installed folder. */
  readonly from: string;
  /** Where it goes, relative to the bundle's folder (node_modules/<name>). */
  readonly to: string;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Every package folder `names` need, top-level ones first found in `roots` (node_modules folders, in order).
 * A dependency is looked up as Node does, from the depending package's folder upwards; one nested in a copied
 * package's own node_modules travels with it. A missing optional dependency (another platform's binary) is skipped;
 * a missing required one, or two different installs under one name, is an error.
 */
export function packageClosure(names: readonly string[], roots: readonly string[]): PackageCopy[] {
  const copies = new Map<string, PackageCopy>();
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    const deps: [string, boolean][] = [
      ...Object.keys(manifest.dependencies ?? {}).map((d): [string, boolean] => [d, false]),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((d): [string, boolean] => [d, true]),
    ];
    for (const [dep, optional] of deps) {
      const found = resolveFrom(dep, dir, roots);
      if (!found) {
        if (optional) continue;
        throw new Error(`asset function: ${dep} (needed by ${dir}) is not installed; run npm ci`);
      }
      add(dep, found);
    }
  };
  const add = (name: string, dir: string): void => {
    const nested = [...copies.values()].some((c) => dir.startsWith(c.from + path.sep));
    if (!nested) {
      const existing = copies.get(name);
      if (existing && existing.from !== dir) throw new Error(`asset function: two installs of ${name}: ${existing.from} and ${dir}`);
      copies.set(name, { name, from: dir, to: path.join('node_modules', name), ...(ONLY[name] ? { only: ONLY[name] } : {}) });
    }
    if (!ONLY[name]) visit(dir);
  };
  for (const name of names) {
    const dir = roots.map((r) => path.join(r, name)).find((d) => existsSync(path.join(d, 'package.json')));
    if (!dir) throw new Error(`asset function: ${name} is not installed in ${roots.join(' or ')}; run npm ci`);
    add(name, dir);
  }
  return [...copies.values()];
}

/** Node's lookup: <dir>/node_modules/<name>, then each parent's, then the roots. */
function resolveFrom(name: string, fromDir: string, roots: readonly string[]): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return roots.map((r) => path.join(r, name)).find((d) => existsSync(path.join(d, 'package.json')));
}

/** Shell commands (run by NodejsFunction's afterBundling hook, locally) that copy the closure into `outputDir`. */
export function copyCommands(copies: readonly PackageCopy[], outputDir: string): string[] {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return copies.flatMap((c) => {
    const to = path.join(outputDir, c.to);
    if (!c.only) return [`mkdir -p ${q(path.dirname(to))}`, `cp -R ${q(c.from)} ${q(to)}`];
    return c.only.flatMap((rel) => [`mkdir -p ${q(path.dirname(path.join(to, rel)))}`, `cp -R ${q(path.join(c.from, rel))} ${q(path.join(to, rel))}`]);
  });
}
