// Preloaded (`node --import`) into a server under test: records which npm packages the process loaded, so a test
// can say an adapter that was not chosen (Stripe, SMTP, PGlite, the asset pipeline…) was not loaded either.
// ES modules are seen by a load hook (in the loader's own thread, appended to `${out}.esm` as they load); CommonJS
// ones, required from anywhere, are in the one shared require cache, written to `${out}.cjs` when the process exits
// (a clean stop: SIGTERM, which the server handles). No signal of its own: nothing here can end the process.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.VITRINE_RECORD_MODULES;
if (!out) throw new Error('record-modules: set VITRINE_RECORD_MODULES to the file prefix to write');

if (process.env.VITRINE_RECORD_MODULES_HOOK === undefined) {
  // This file is both the preload and the hooks module: the loader thread imports it with the flag set.
  process.env.VITRINE_RECORD_MODULES_HOOK = '1';
  register(import.meta.url, { data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => writeFileSync(`${out}.cjs`, Object.keys(cache).join('\n') + '\n'));
}

let esmOut = '';
export function initialize(data) {
  esmOut = `${data.out}.esm`;
}

export async function load(url, context, next) {
  appendFileSync(esmOut, url + '\n');
  return next(url, context);
}
