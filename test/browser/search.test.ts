/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// Search and facets in a real browser: Debian's Chromium against the whole shop on its embedded defaults (demo
// catalog). A shopper types a misspelt word in the header's search box, sees instant results, picks one with the
// arrow keys and Enter; on a category page ticks a facet and sees the count and the URL change, sorts, and goes Back.
// Also the plain logic behind it (the URL's filter state), in Node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browseSearch, parseBrowse, toggleOption, withPrice } from '../../web/src/browse.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip, ensureWebBuilt, money, watchPage, type Money } from './browser-kit.ts';

const skip = browserSkip();

interface Summary { slug: string; title: string; price: Money }
interface ListAnswer { items: Summary[]; total: number; facets: { options: { name: string; values: { value: string; count: number }[] }[]; inStock: number } }

describe('the URL state of a category page', () => {
  test('round-trips filters and sort, ignoring what is malformed', () => {
    const s = parseBrowse('?sort=price-asc&minPrice=20000&maxPrice=10000&option=Wood:Walnut&option=bad&option=Wood:Walnut&inStock=true');
    assert.deepEqual(s, { sort: 'price-asc', minPrice: 10000, maxPrice: 20000, options: [['Wood', 'Walnut']], inStock: true });
    assert.equal(browseSearch(s), '?sort=price-asc&minPrice=10000&maxPrice=20000&option=Wood%3AWalnut&inStock=true');
    assert.deepEqual(parseBrowse(browseSearch(s)), s);
    assert.equal(browseSearch(parseBrowse('?sort=cheapest&minPrice=-5&inStock=1')), '', 'defaults leave the URL clean');
    const toggled = toggleOption(toggleOption(s, 'Wood', 'Oak'), 'Wood', 'Walnut');
    assert.deepEqual(toggled.options, [['Wood', 'Oak']]);
    assert.equal(browseSearch(withPrice(toggled, undefined, undefined)), '?sort=price-asc&option=Wood%3AOak&inStock=true');
  });
});

describe('search and facets in Chromium', { skip, timeout: 300_000 }, () => {
  let baseUrl = '';
  let close: () => Promise<void> = async () => {};
  let browser: Browser | undefined;
  let shots = '';

  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height }, deviceScaleFactor: 1 });
    return context.newPage();
  };
  const api = async <T,>(path: string): Promise<T> => (await fetch(baseUrl + path)).json() as Promise<T>;

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-search-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    const app = await startTestApp();
    baseUrl = app.baseUrl;
    close = () => app.close();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('a misspelt word in the header box shows instant results; Down and Enter open the product', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/`);
    const box = page.getByRole('combobox', { name: 'Search products' });
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    await box.pressSequentially('chiar', { delay: 30 });
    const list = page.getByRole('listbox', { name: 'Products matching your search' });
    // (On a slow machine a result for the first letters may show first: wait for the whole word's.)
    await list.getByRole('option', { name: /Chair/ }).first().waitFor();
    const options = list.getByRole('option');
    assert.match((await options.first().textContent()) ?? '', /Chair/, 'the misspelling finds a chair');
    assert.equal(await box.getAttribute('aria-expanded'), 'true');
    assert.equal(await box.getAttribute('aria-controls'), await list.getAttribute('id'));
    await page.screenshot({ path: join(shots, 'search-open.png') });

    // Down highlights the first result (focus stays in the box), Down again the second, Up back to the first.
    await box.press('ArrowDown');
    await box.press('ArrowDown');
    await box.press('ArrowUp');
    const first = options.first();
    assert.equal(await first.getAttribute('aria-selected'), 'true');
    assert.equal(await box.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox');
    const title = (await first.locator('.combo-title').textContent())!;
    const found = (await api<{ items: Summary[] }>('/api/search?q=chiar&limit=6')).items[0]!;
    assert.equal(title, found.title);
    assert.match((await first.textContent()) ?? '', new RegExp(escapeRegExp(money(found.price))), 'with its price');

    await box.press('Enter');
    await page.waitForURL(new RegExp(`/p/${found.slug}$`));
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.equal(await box.inputValue(), '', 'the box is cleared for the next search');
    watch.assertClean();
    await page.context().close();
  });

  test('Esc closes the list, Enter without a highlighted result opens the results page, a suggestion searches again', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/c/furniture`);
    const box = page.getByRole('combobox', { name: 'Search products' });
    await box.pressSequentially('lmap', { delay: 30 });
    const list = page.getByRole('listbox', { name: 'Products matching your search' });
    await list.waitFor();
    await box.press('Escape');
    await list.waitFor({ state: 'hidden' });
    assert.equal(await box.getAttribute('aria-expanded'), 'false');
    assert.equal(await box.inputValue(), 'lmap', 'Esc closes the list but keeps the words');

    await box.press('Enter');
    await page.waitForURL(/\/search\?q=lmap$/);
    await page.getByRole('heading', { level: 1, name: 'Results for “lmap”' }).waitFor();
    const cards = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await cards.first().waitFor();
    for (const card of await cards.all()) assert.match((await card.getByRole('heading', { level: 2 }).textContent()) ?? '', /Lamp/);
    assert.equal(await box.inputValue(), 'lmap', 'the box shows what was searched');

    await box.fill('');
    await box.pressSequentially('sofffa', { delay: 30 });
    const suggestion = list.getByRole('option', { name: 'Did you mean sofa?' });
    await suggestion.waitFor();
    await suggestion.click();
    assert.equal(await box.inputValue(), 'sofa');
    await list.getByRole('option', { name: /Sofa/ }).waitFor();
    await box.press('Escape');
    await box.press('Escape');
    assert.equal(await box.inputValue(), '', 'a second Esc clears the box');
    watch.assertClean();
    await page.context().close();
  });

  test('a category page: ticking a facet changes the count and the URL, sorting reorders, Back undoes both', async () => {
    const all = await api<ListAnswer>('/api/products?category=furniture&limit=100');
    const walnutCount = all.facets.options.find((o) => o.name === 'Wood')!.values.find((v) => v.value === 'Walnut')!.count;
    const walnut = await api<ListAnswer>('/api/products?category=furniture&limit=100&option=Wood:Walnut&sort=price-asc');
    assert.ok(walnutCount > 0 && walnutCount < all.total);

    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/c/furniture`);
    const count = page.getByTestId('result-count');
    const cards = page.getByRole('list', { name: 'Products' }).getByRole('listitem');
    await page.waitForFunction((n) => document.querySelector('[data-testid="result-count"]')?.textContent === `${n} products`, all.total);
    const box = page.getByRole('group', { name: 'Wood' }).getByRole('checkbox', { name: /^Walnut/ });
    assert.match((await page.getByRole('group', { name: 'Wood' }).textContent()) ?? '', new RegExp(`Walnut${walnutCount}`));
    await page.screenshot({ path: join(shots, 'facets.png'), fullPage: true });

    await box.check();
    await page.waitForURL(/\/c\/furniture\?option=Wood%3AWalnut$/);
    await page.waitForFunction((n) => document.querySelector('[data-testid="result-count"]')?.textContent === `${n} products`, walnutCount);
    await page.waitForFunction((n) => document.querySelectorAll('ul.grid > li').length === n, walnutCount);
    assert.ok(await box.isChecked());

    await page.getByLabel('Sort by').selectOption('price-asc');
    await page.waitForURL(/\?sort=price-asc&option=Wood%3AWalnut$/);
    await page.waitForFunction(
      (title) => document.querySelector('ul.grid > li h2')?.textContent === title,
      walnut.items[0]!.title,
    );
    const titles = await cards.getByRole('heading', { level: 2 }).allTextContents();
    assert.deepEqual(titles, walnut.items.map((p) => p.title), 'walnut pieces, cheapest first');
    await page.screenshot({ path: join(shots, 'facets-walnut.png'), fullPage: true });

    await page.goBack();
    await page.waitForURL(/\/c\/furniture\?option=Wood%3AWalnut$/);
    assert.equal(await page.getByLabel('Sort by').inputValue(), 'featured');
    await page.goBack();
    await page.waitForURL(/\/c\/furniture$/);
    await page.waitForFunction((n) => document.querySelector('[data-testid="result-count"]')?.textContent === `${n} products`, all.total);
    assert.equal(await box.isChecked(), false);
    assert.equal(await count.textContent(), `${all.total} products`);

    // A shared link opens with its filters in place.
    await page.goto(`${baseUrl}/c/furniture?option=Wood%3AWalnut&inStock=true`);
    await page.getByRole('checkbox', { name: /^In stock only/ }).waitFor();
    assert.ok(await page.getByRole('checkbox', { name: /^In stock only/ }).isChecked());
    assert.ok(await box.isChecked());
    watch.assertClean();
    await page.context().close();
  });

  test('at 360 px the filters fold behind a button and nothing is wider than the screen', async () => {
    const page = await newPage(360, 740);
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/c/furniture`);
    await page.getByTestId('result-count').waitFor();
    const toggle = page.getByRole('button', { name: /^Filters/ });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('group', { name: 'Wood' }).isVisible(), false);
    await toggle.click();
    await page.getByRole('group', { name: 'Wood' }).waitFor();
    const box = page.getByRole('combobox', { name: 'Search products' });
    await box.pressSequentially('wal', { delay: 30 });
    await page.getByRole('listbox', { name: 'Products matching your search' }).waitFor();
    await page.screenshot({ path: join(shots, 'narrow.png'), fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `page is ${width} px wide at a 360 px viewport`);
    watch.assertClean();
    await page.context().close();
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
