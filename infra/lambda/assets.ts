// The asset function's entry point: the same handlers as jobs.ts, with the Chromium the asset pipeline renders in.
// @sparticuz/chromium ships a headless Chromium built for Lambda (x86_64) with SwiftShader for WebGL; it unpacks
// itself to /tmp on the first render of an execution environment. It and the pipeline's packages that read their
// own files at run time (sharp's native library, the validator, the codecs, model-viewer, three, playwright-core)
// are not bundled: infra/lib/compute-jobs copies them beside the bundle (ASSET_PACKAGES).
import chromium from '@sparticuz/chromium';
import { CHROMIUM_ARGS, launchOnDemand } from '../../src/assets/browser.ts';
import { jobFunction } from './function-runtime.ts';

// The package's own flags (single process, in-process GPU, SwiftShader through ANGLE), minus the two that would
// loosen the page's security, plus the app's (nothing talks to the network on its own). The viewer page answers
// every request from memory, so nothing needs cross-origin access.
const LOOSENING = new Set(['--disable-web-security', '--allow-running-insecure-content']);
const args = [...new Set([...chromium.args.filter((a) => !LOOSENING.has(a)), ...CHROMIUM_ARGS.filter((a) => a !== '--headless' && a !== '--disable-gpu')])];

/** Exported for the bundle's test, which closes it; Lambda keeps it for the life of the execution environment. */
export const browser = launchOnDemand({ executablePath: () => chromium.executablePath(), args });

export const handler = await jobFunction('assets', { browser });
