// npm run bench:web-media — the product page with and without a gallery, as Lighthouse's emulated phone sees it
// (the same mobile preset and flags as bench/web.ts): the demo's first featured product is measured, then given a
// photo and a video through the merchant's API (processed by the worker), then measured again. What must not
// change: the poster stays the largest contentful paint, no layout shift, the score. Then the delivery of a large
// video: 150 MB served whole and in ranges from /assets, with the API's resident memory before and after (streamed
// from the folder store, never buffered).
// Env: BENCH_RUNS (3; the median run is reported), CHROMIUM (/usr/bin/chromium).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium as playwright } from 'playwright-core';
import { setRole } from '../src/databases/relational/accounts.ts';
import { Browser } from '../test/accounts/client.ts';
import { startTestApp } from '../test/helpers/app.ts';
import { until } from '../test/helpers/wait.ts';
import { photo, recordVideo } from '../test/media/fixtures.ts';

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

interface Score {
  performance: number;
  accessibility: number;
  lcpMs: number;
  cls: number;
  tbtMs: number;
}

const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
const app = await startTestApp({ env: { RUN_WORKER: 'true', WORKER_CONCURRENCY: '1', LOG_LEVEL: 'error' } });
try {
  const base = app.baseUrl;
  const featured = ((await (await fetch(`${base}/api/featured`)).json()) as { items: { slug: string }[] }).items;
  const slug = featured[0]!.slug;
  // A control measured in turn with the product once it has media: the machine's load drifts (other processes),
  // and turns keep that drift out of the comparison.
  const control = `${base}/p/${featured[1]!.slug}`;
  const product = (await (await fetch(`${base}/api/products/${slug}`)).json()) as { id: string };
  const url = `${base}/p/${slug}`;
  console.log(`web-media bench: Lighthouse mobile preset on ${url}, median of ${runs} run(s)`);
  const before = { ...(await median(url)), lcp: await lcpElement(url) };

  const merchant = new Browser(base);
  const email = `bench-${randomUUID().slice(0, 8)}@example.test`;
  await merchant.signup(email, 'correct horse 42');
  await setRole(app.shop.runtime.relational.db, email, 'merchant');
  for (const [name, type, bytes] of [
    ['side.jpg', 'image/jpeg', await photo(1600, 1200, 'jpeg')],
    ['turn.webm', 'video/webm', await recordVideo('webm', { width: 640, height: 360, seconds: 2 })],
  ] as const) {
    const ask = await merchant.call('POST', `/api/admin/products/${product.id}/media-uploads`, { filename: name, contentType: type, size: bytes.length });
    const put = await fetch(ask.body.upload.url, { method: 'PUT', headers: ask.body.upload.headers, body: new Uint8Array(bytes) });
    if (!put.ok) throw new Error(`upload ${name}: ${put.status}`);
    await merchant.call('POST', `/api/admin/products/${product.id}/media-uploads/${ask.body.uploadId}/complete`);
  }
  await until(async () => ((await (await fetch(`${base}/api/products/${slug}`)).json()) as { media: unknown[] }).media.length === 2, 'both media processed', 180_000, 500);
  type Row = Score & { lcp?: string };
  const [after, controlAfter] = (await medians([url, control])) as [Row, Row];
  after.lcp = await lcpElement(url);
  controlAfter.lcp = await lcpElement(control);

  console.log('\n| product page | performance | accessibility | LCP ms | TBT ms | CLS | LCP element |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [label, s] of [['without media', before], ['with a photo and a video', after], [`control, in turn with the above: ${featured[1]!.slug} (no media)`, controlAfter]] as const) {
    console.log(`| ${label} | ${s.performance} | ${s.accessibility} | ${s.lcpMs.toFixed(0)} | ${s.tbtMs.toFixed(0)} | ${s.cls.toFixed(3)} | \`${s.lcp}\` |`);
  }

  // A large video through /assets: written to the store as media/, fetched whole and in ranges.
  const size = 150 * 1024 * 1024;
  const key = `media/m-bench/large.mp4`;
  const chunk = Buffer.alloc(1024 * 1024, 7);
  await app.shop.runtime.objects.put(key, Readable.from((function* () { for (let i = 0; i < size / chunk.length; i++) yield chunk; })()), { contentType: 'video/mp4' });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = Date.now();
  const whole = await fetch(`${base}/assets/${key}`);
  let got = 0;
  for await (const part of whole.body as unknown as AsyncIterable<Uint8Array>) got += part.byteLength;
  const ranged = await fetch(`${base}/assets/${key}`, { headers: { range: `bytes=${size - 1_000_000}-` } });
  const rangedBytes = (await ranged.arrayBuffer()).byteLength;
  clearInterval(sample);
  console.log(`\nlarge video: ${got} bytes whole (${whole.status}) in ${Date.now() - t0} ms, last 1 MB as ${ranged.status} (${rangedBytes} bytes, ${ranged.headers.get('content-range')});` +
    ` resident memory of the shop's process ${Math.round(rss0 / 2 ** 20)} MB before, at most ${Math.round(peak / 2 ** 20)} MB while serving (+${Math.round((peak - rss0) / 2 ** 20)} MB for a ${size / 2 ** 20} MB file)`);
} finally {
  await chrome.kill();
  await app.close();
}

async function audit(url: string): Promise<Score> {
  const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
  const lhr = result!.lhr;
  if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code}`);
  const a = lhr.audits;
  return {
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    lcpMs: a['largest-contentful-paint']?.numericValue ?? NaN,
    cls: a['cumulative-layout-shift']?.numericValue ?? NaN,
    tbtMs: a['total-blocking-time']?.numericValue ?? NaN,
  };
}

/** The median run of each page, the pages measured in turn. */
async function medians(urls: string[]): Promise<(Score & { lcp?: string })[]> {
  const all: Score[][] = urls.map(() => []);
  for (let i = 0; i < runs; i++) for (const [j, u] of urls.entries()) all[j]!.push(await audit(u).catch(() => audit(u)));
  return all.map((runsOf) => runsOf.sort((x, y) => x.performance - y.performance)[Math.floor(runsOf.length / 2)]!);
}

async function median(url: string): Promise<Score> {
  const all: Score[] = [];
  for (let i = 0; i < runs; i++) {
    for (let attempt = 1; ; attempt++) {
      try {
        all.push(await audit(url));
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }
  all.sort((x, y) => x.performance - y.performance);
  return all[Math.floor(all.length / 2)]!;
}

/** The LCP element as a phone sees the page (bench/web.ts explains why not Lighthouse's own). */
async function lcpElement(url: string): Promise<string> {
  const browser = await playwright.launch({ executablePath: chromePath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    return await page.evaluate(`new Promise((resolve) => new PerformanceObserver((list) => {
      const e = list.getEntries().at(-1)?.element;
      resolve(e ? e.localName + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '') : '?');
    }).observe({ type: 'largest-contentful-paint', buffered: true }))`);
  } finally {
    await browser.close();
  }
}
