/// <reference lib="dom" />
// Shared by the storefront's browser tests: Debian's Chromium and its flags, a fresh web/dist, and a page
// watcher that fails on console errors or requests leaving the shop's origin.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';

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

// ---- <model-viewer> on the page: waiting for it, and telling a rendered model from a blank canvas ----------

// SwiftShader on two busy cores: model-viewer's first frame takes 7–18 s, so allow far more.
export const MODEL_TIMEOUT = 90_000;

/** Resolves on model-viewer's `load`, or at once if it has already loaded (the event may have fired). */
export async function waitForModelLoad(page: Page): Promise<void> {
  // The page is a SPA: <model-viewer> appears once the product has been fetched and its page rendered.
  await page.locator('model-viewer').first().waitFor({ state: 'attached', timeout: MODEL_TIMEOUT });
  await page.evaluate(
    (timeout) =>
      new Promise<void>((resolve, reject) => {
        const el = document.querySelector('model-viewer') as (HTMLElement & { loaded?: boolean }) | null;
        if (!el) return reject(new Error('no <model-viewer> on the page'));
        if (el.loaded) return resolve();
        const timer = setTimeout(() => reject(new Error(`model-viewer did not load within ${timeout} ms`)), timeout);
        el.addEventListener('load', () => (clearTimeout(timer), resolve()), { once: true });
        el.addEventListener('error', (e) => (clearTimeout(timer), reject(new Error(`model-viewer error: ${JSON.stringify((e as unknown as CustomEvent).detail)}`))), { once: true });
      }),
    MODEL_TIMEOUT,
  );
  await page.waitForFunction(() => (document.querySelector('model-viewer') as unknown as { modelIsVisible?: boolean }).modelIsVisible === true, null, { timeout: MODEL_TIMEOUT });
  await nextFrames(page);
}

export type Box = { x: number; y: number; width: number; height: number };

/** A point of the page (client pixels) where the preview shows the model, nearest its centre, outside `avoid` (a hotspot's button). */
export async function pointOnModel(page: Page, avoid: Box | null = null): Promise<{ x: number; y: number }> {
  const found = await page.evaluate((avoid) => {
    const el = document.querySelector('model-viewer') as HTMLElement & { positionAndNormalFromPoint(x: number, y: number): unknown };
    const r = el.getBoundingClientRect();
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    for (let ring = 0; ring <= 10; ring++) {
      for (let i = -ring; i <= ring; i++) {
        for (const [dx, dy] of [[i, -ring], [i, ring], [-ring, i], [ring, i]] as const) {
          const x = r.x + r.width / 2 + dx * r.width * 0.04;
          const y = r.y + r.height / 2 + dy * r.height * 0.04;
          const clear = !avoid || x < avoid.x - 8 || x > avoid.x + avoid.width + 8 || y < avoid.y - 8 || y > avoid.y + avoid.height + 8;
          if (clear && el.positionAndNormalFromPoint(x, y)) return { x, y };
        }
      }
    }
    return null;
  }, avoid);
  assert.ok(found, 'a point of the preview on the model');
  return found;
}

/** Stops everything that moves on its own (turntable, interaction prompt) so two screenshots differ only by the model. */
export async function freezeCamera(page: Page): Promise<void> {
  await page.evaluate(() => {
    const el = document.querySelector('model-viewer') as unknown as {
      autoRotate: boolean; interactionPrompt: string; resetTurntableRotation(theta?: number): void; jumpCameraToGoal(): void;
    };
    el.autoRotate = false;
    el.interactionPrompt = 'none';
    el.resetTurntableRotation(0);
    el.jumpCameraToGoal();
  });
  await nextFrames(page);
}

export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Screenshots the viewer until two consecutive shots agree (fades and late frames have settled). */
export async function stableShot(page: Page, path: string): Promise<Buffer> {
  const viewer = page.getByTestId('model-viewer');
  let prev = await viewer.screenshot();
  for (let i = 0; i < 30; i++) {
    await page.waitForTimeout(250);
    await nextFrames(page);
    const next = await viewer.screenshot();
    const d = await imageDiff(prev, next);
    prev = next;
    if (d.changed < 0.001) break;
  }
  writeFileSync(path, prev);
  return prev;
}

export async function rgba(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Luminance spread, and the share of pixels that differ clearly from the background (the corner pixel). */
export async function imageStats(png: Buffer): Promise<{ stdev: number; nonBackground: number }> {
  const { data } = await rgba(png);
  const n = data.length / 4;
  const bg = [data[0]!, data[1]!, data[2]!];
  let sum = 0;
  let sumSq = 0;
  let fg = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i]!, g = data[i + 1]!, b = data[i + 2]!;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += y;
    sumSq += y * y;
    if (Math.max(Math.abs(r - bg[0]!), Math.abs(g - bg[1]!), Math.abs(b - bg[2]!)) > 24) fg += 1;
  }
  const mean = sum / n;
  return { stdev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), nonBackground: fg / n };
}

/** Mean absolute RGB difference (0–255) and the share of pixels whose largest channel change exceeds 8. */
export async function imageDiff(a: Buffer, b: Buffer): Promise<{ mean: number; changed: number }> {
  const x = await rgba(a);
  const y = await rgba(b);
  assert.equal(`${x.width}x${x.height}`, `${y.width}x${y.height}`, 'screenshots have the same size');
  let total = 0;
  let changed = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    let max = 0;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(x.data[i + c]! - y.data[i + c]!);
      total += d;
      if (d > max) max = d;
    }
    if (max > 8) changed += 1;
  }
  const n = x.data.length / 4;
  return { mean: total / (n * 3), changed: changed / n };
}
