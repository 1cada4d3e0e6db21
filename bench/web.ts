// npm run bench:web — Lighthouse (mobile preset: Moto G Power emulation, simulated slow 4G and 4× CPU slowdown) on
// the storefront's home, category and product pages, run against Debian's Chromium, with the shop on embedded
// defaults and its demo catalog. Baseline, measured in the same run: a static HTML page served by a bare node:http
// server showing the same product poster, title and price — the fastest page that shows what the product page
// shows first, so "LCP ratio" is what the app costs over that.
// Env: BENCH_RUNS (3; the median run per page is reported), CHROMIUM (/usr/bin/chromium).
import { fork, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium as playwright } from 'playwright-core';
import { apiEntry, freePort, rssMb, waitFor } from './process-kit.ts';

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

interface Score {
  readonly performance: number;
  readonly accessibility: number;
  readonly lcpMs: number;
  readonly tbtMs: number;
  readonly cls: number;
  readonly consoleErrors: number;
  readonly failedA11y: string[];
}

const chrome = await chromeLauncher.launch({
  chromePath,
  // The same software WebGL the browser tests use, so the product page's 3D view runs as it would for a shopper.
  chromeFlags: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});

async function audit(url: string): Promise<Score> {
  const result = await lighthouse(url, {
    port: chrome.port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  });
  if (!result) throw new Error(`lighthouse gave no result for ${url}`);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const a = lhr.audits;
  const errors = (a['errors-in-console']?.details as { items?: unknown[] } | undefined)?.items?.length ?? 0;
  const failedA11y = Object.values(lhr.categories.accessibility?.auditRefs ?? [])
    .map((r) => a[r.id])
    .filter((x) => x && x.score !== null && x.score < 1 && x.scoreDisplayMode === 'binary')
    .map((x) => x!.id);
  return {
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    lcpMs: a['largest-contentful-paint']?.numericValue ?? NaN,
    tbtMs: a['total-blocking-time']?.numericValue ?? NaN,
    cls: a['cumulative-layout-shift']?.numericValue ?? NaN,
    consoleErrors: errors,
    failedA11y,
  };
}

/**
 * Which element is the largest contentful paint, as a phone sees the page (Lighthouse's Moto G Power viewport,
 * touch): read from Chromium's own PerformanceObserver, because Lighthouse 12.2's element gatherer fails on this
 * Chromium's traces ("frame_sequence"), and 12.2 is the last Lighthouse that runs on Node 20.
 */
async function lcpElement(url: string): Promise<string> {
  const browser = await playwright.launch({ executablePath: chromePath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    // A string, not a function: tsx's transform would add helpers the page does not have.
    return await page.evaluate(`new Promise((resolve) => new PerformanceObserver((list) => {
      const e = list.getEntries().at(-1)?.element;
      resolve(e ? e.localName + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '') : '?');
    }).observe({ type: 'largest-contentful-paint', buffered: true }))`);
  } finally {
    await browser.close();
  }
}

/** Lighthouse sometimes fails to record a trace on a busy machine (NO_NAVSTART, NO_FCP): a new run is a fair retry. */
async function retry<T>(f: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= attempts) throw err;
      console.log(`(retrying: ${(err as Error).message.slice(0, 120)})`);
    }
  }
}

/** The median run by performance score (Lighthouse's own advice for simulated throttling). */
async function median(url: string): Promise<Score> {
  const all: Score[] = [];
  for (let i = 0; i < runs; i++) all.push(await retry(() => audit(url)));
  all.sort((x, y) => x.performance - y.performance);
  return all[Math.floor(all.length / 2)]!;
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vitrine-bench-web-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const api = spawn(process.execPath, [apiEntry(), 'start', '--no-worker'], {
  env: { ...process.env, PORT: String(port), VITRINE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const trivial = fork(path.resolve('bench/trivial-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
try {
  await waitFor(`${base}/readyz`, api, 180_000);
  const featured = (await (await fetch(`${base}/api/featured`)).json()) as { items: { slug: string }[] };
  const slug = featured.items[0]!.slug;
  const product = (await (await fetch(`${base}/api/products/${slug}`)).json()) as { title: string; category: string; poster: string | null };
  const category = product.category;
  const poster = new URL(product.poster ?? '/favicon.svg', base).href;
  const trivialPort = await new Promise<number>((resolve) => trivial.once('message', (m: { port: number }) => resolve(m.port)));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${product.title}</title><meta name="description" content="${product.title}"></head><body><main><h1>${product.title}</h1><img src="${poster}" alt="${product.title}" width="1024" height="1024" style="max-width:100%;height:auto" fetchpriority="high"></main></body></html>`;
  trivial.send({ path: '/baseline', headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: Buffer.from(html).toString('base64') });
  await new Promise((r) => setTimeout(r, 200));

  const pages: [string, string][] = [
    ['baseline: static poster page', `http://127.0.0.1:${trivialPort}/baseline`],
    ['home /', `${base}/`],
    [`category /c/${category}`, `${base}/c/${category}`],
    [`product /p/${slug}`, `${base}/p/${slug}`],
  ];
  console.log(`web bench: Lighthouse mobile preset, median of ${runs} run(s) per page, Chromium ${chromePath}, ${os.cpus().length} cores`);
  const results: [string, Score & { lcpElement: string }][] = [];
  for (const [label, url] of pages) results.push([label, { ...(await median(url)), lcpElement: await lcpElement(url) }]);
  const baselineLcp = results[0]![1].lcpMs;
  console.log('\n| page | performance | accessibility | LCP ms | LCP ÷ baseline | TBT ms | CLS | LCP element | console errors |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [label, s] of results) {
    console.log(
      `| ${label} | ${s.performance} | ${s.accessibility} | ${s.lcpMs.toFixed(0)} | ${(s.lcpMs / baselineLcp).toFixed(2)} | ${s.tbtMs.toFixed(0)} | ${s.cls.toFixed(3)} | \`${s.lcpElement}\` | ${s.consoleErrors} |`,
    );
  }
  for (const [label, s] of results) if (s.failedA11y.length) console.log(`accessibility audits failing on ${label}: ${s.failedA11y.join(', ')}`);
  console.log(`\nAPI RSS after the runs: ${rssMb(api.pid)} MB (embedded profile)`);
  const shopPages = results.slice(1);
  const goal = shopPages.every(([, s]) => s.performance >= 90 && s.accessibility >= 95);
  console.log(`goal (performance ≥ 90 and accessibility ≥ 95 on every page): ${goal ? 'met' : 'NOT met'}`);
} finally {
  await chrome.kill();
  api.kill('SIGTERM');
  trivial.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
