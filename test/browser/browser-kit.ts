/// <reference lib="dom" />
// Shared by the storefront's browser tests: Debian's Chromium and its flags, a fresh web/dist, and a page
// watcher that fails on console errors or requests leaving the shop's origin.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-gpu', '--disable-quic',
];
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

/** Skip reason when Chromium is missing outside CI (in CI a missing browser fails the suite instead). */
export function browserSkip(): string | false {
  const missing = !existsSync(CHROMIUM);
  const skip = missing && process.env.CI !== 'true' ? `${CHROMIUM} is not installed (apt-get install -y chromium); skipping browser tests` : false;
  if (skip) console.log(`# skip: ${skip}`);
  return skip;
}

/** Builds web/dist when it is missing or older than web/src, so a test never checks a stale bundle. */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs)) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Money {
  amount: number;
  currency: string;
}

/** Independent of the app's own formatter on purpose: integer minor units, the currency's fraction digits. */
export function money(m: Money): string {
  const nf = new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency });
  return nf.format(m.amount / 10 ** (nf.resolvedOptions().maximumFractionDigits ?? 2));
}

/** Collects requests, console errors and page errors; assertClean() fails on anything off-origin or erroneous. */
export function watchPage(page: Page): { readonly urls: string[]; assertClean(allowConsole?: RegExp): void } {
  const urls: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    urls,
    assertClean(allowConsole) {
      const offOrigin = urls.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
        return !(['http:', 'https:'].includes(url.protocol) && ['127.0.0.1', 'localhost'].includes(url.hostname));
      });
      assert.deepEqual(offOrigin, [], 'every request stays on the shop origin');
      assert.deepEqual(errors.filter((e) => !allowConsole?.test(e)), [], 'no console errors');
    },
  };
}
