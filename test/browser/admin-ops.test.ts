/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The admin's operations pages in a real browser (Debian's Chromium, the whole shop on its embedded defaults, no
// background worker so jobs stay where the test puts them): /admin/jobs shows the queue's depth and a dead letter
// with its error, and "Replay" puts the job back in the queue; "Delete all" asks first. /admin/mailbox lists the mail
// the shop would have sent (newest first, filtered by recipient) and shows a message's text and its HTML in a
// sandboxed frame. Merchants keep the order desk but are not allowed in; shoppers never download these pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import { firstLine, formatAge } from '../../web/src/format.ts';
import { Browser as ApiClient } from '../accounts/client.ts';
import type { TestApp } from '../helpers/app.ts';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip, ensureWebBuilt, watchPage } from './browser-kit.ts';

const skip = browserSkip();
const MERCHANT = { email: 'merchant.ops@example.com', password: 'Merchant-pass-2024' };
const PASSWORD = 'Admin-pass-2024';
const POISON_ERROR = 'SMTP 550 mailbox unavailable\n    at SmtpMailer.send (src/compute/mail/smtp.ts:42:11)';

interface MailPayload { key: string; to: string; subject: string; text: string; html?: string }

test('waits and errors are shown the way an operator reads them', () => {
  assert.equal(formatAge(0.4), 'under a second');
  assert.equal(formatAge(1), '1 second');
  assert.equal(formatAge(42.9), '42 seconds');
  assert.equal(formatAge(185), '3 minutes 5 seconds');
  assert.equal(formatAge(7_200), '2 hours');
  assert.equal(formatAge(7_380), '2 hours 3 minutes');
  assert.equal(formatAge(3 * 86_400 + 4 * 3_600 + 59), '3 days 4 hours');
  assert.equal(formatAge(Number.NaN), 'under a second');
  assert.equal(firstLine(POISON_ERROR), 'SMTP 550 mailbox unavailable');
  assert.equal(firstLine('\n  boom \nstack'), 'boom');
});

describe('the admin’s operations pages in Chromium', { skip, timeout: 300_000 }, () => {
  let app: TestApp | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let shots = '';
  const contexts: BrowserContext[] = [];
  const db = () => app!.shop.runtime.relational.db;

  const newPage = async (width = 1280): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    return context.newPage();
  };

  /** Signs up through the storefront, then is made an admin straight in the database (as an admin would grant it). */
  const signUpAdmin = async (page: Page, email: string): Promise<void> => {
    await page.goto(`${baseUrl}/account/signup`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await db().updateTable('accounts').set({ role: 'admin' }).where('email', '=', email).execute();
  };

  const deadLetter = async (type: string, payload: unknown, error: string): Promise<string> => {
    const { id } = await app!.shop.runtime.queue.enqueue(type, payload);
    await db().updateTable('jobs').set({ status: 'dead', attempts: 8, last_error: error }).where('id', '=', id).execute();
    return id;
  };

  const count = async (status: 'queued' | 'dead'): Promise<number> => {
    const r = await db().selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', status).executeTakeFirstOrThrow();
    return Number(r.n);
  };

  /** No sideways scrolling of the page itself (wide tables scroll inside their own frame). */
  const assertFits = async (page: Page): Promise<void> => {
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert.ok(scroll <= width, `the page fits ${width} px (it is ${scroll} px wide)`);
  };

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-admin-ops-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    app = await startTestApp({ env: { RUN_WORKER: 'false', SEED_DEMO: 'false' } });
    baseUrl = app.baseUrl;
    await insertAccount(db(), { email: MERCHANT.email, name: 'Mia Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('an admin sees the queue and a dead letter’s error, replays it, and deletes the rest after confirming', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await signUpAdmin(page, 'ada.admin@example.com');
    const poison = await deadLetter('mail.send', { key: 'test:poison', to: 'nobody@example.com' }, POISON_ERROR);

    // The header leads staff to the admin's dashboard; the admin's own navigation offers every section.
    await page.reload();
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.waitForURL(/\/admin$/);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    const sections = page.getByRole('navigation', { name: 'Admin sections' });
    assert.deepEqual(await sections.getByRole('link').allTextContents(), ['Dashboard', 'Orders', 'Customers', 'Products', 'Jobs', 'Mailbox', 'Advisor']);
    await sections.getByRole('link', { name: 'Jobs' }).click();
    await page.waitForURL(/\/admin\/jobs$/);
    await page.getByRole('heading', { level: 1, name: 'Background jobs' }).waitFor();
    assert.equal(await sections.getByRole('link', { name: 'Jobs' }).getAttribute('aria-current'), 'page');

    // Depth: the admin's welcome mail waits (no worker runs), one job is dead.
    const depth = page.getByTestId('queue-depth');
    await depth.waitFor();
    assert.equal(await page.getByTestId('depth-dead').textContent(), '1');
    assert.equal(await page.getByTestId('depth-queued').textContent(), String(await count('queued')));
    assert.ok((await count('queued')) >= 1, 'the welcome mail waits in the queue');
    assert.match((await page.getByTestId('depth-age').textContent()) ?? '', /^(under a second|\d+ seconds?)$/);
    assert.equal(await depth.locator('dt').allTextContents().then((t) => t.join('|')), 'Queued|Running|Dead|Oldest waiting');

    // The dead letter: its type, attempts and the first line of its error; the rest is one click away.
    const row = page.locator(`tr[data-job-id="${poison}"]`);
    await row.waitFor();
    assert.equal(await row.getByRole('rowheader').locator('.mono').first().textContent(), 'mail.send');
    assert.equal(await row.locator('td.num').textContent(), '8');
    assert.equal(await row.locator('.error-line').textContent(), 'SMTP 550 mailbox unavailable');
    const stack = row.getByText('at SmtpMailer.send', { exact: false });
    assert.equal(await stack.isVisible(), false, 'the stack waits in the details');
    await row.getByText('Full error and payload').click();
    await stack.waitFor();
    assert.match((await row.locator('details pre').nth(1).textContent()) ?? '', /"to": "nobody@example.com"/);
    const headers = await page.getByTestId('dead-letters').locator('thead th').allTextContents();
    assert.deepEqual(headers, ['Type', 'Attempts', 'Failed at', 'Error', 'Actions']);
    await page.screenshot({ path: join(shots, 'jobs.png'), fullPage: true });

    // Replay: the row goes, the status line says so, and the job is queued again with a fresh budget.
    const replay = row.getByRole('button', { name: `Replay the mail.send job ${poison}` });
    await replay.click();
    await row.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Replayed the mail.send job' }).waitFor();
    const job = await db().selectFrom('jobs').select(['status', 'attempts']).where('id', '=', poison).executeTakeFirstOrThrow();
    assert.deepEqual(job, { status: 'queued', attempts: 0 }, 'back in the queue with a fresh attempt budget');
    await page.getByText('No dead letters').waitFor();
    assert.equal(await page.getByTestId('depth-dead').textContent(), '0');

    // Two more die; "Delete all" asks before it deletes anything.
    await deadLetter('asset.process', { assetId: 'a1' }, 'gltf-transform: unsupported extension KHR_x');
    await deadLetter('order.placed', { orderId: 'o1' }, 'boom');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('dead-letters').locator('tbody tr').nth(1).waitFor();
    assert.equal(await page.getByTestId('depth-dead').textContent(), '2');
    await page.getByRole('button', { name: 'Delete all…' }).click();
    const confirm = page.getByRole('group', { name: /Delete all 2 dead letters\? This cannot be undone\./ });
    await confirm.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Yes, delete all 2', 'focus goes to the confirmation');
    assert.equal(await count('dead'), 2, 'nothing is deleted before confirming');
    // Esc backs out and returns focus; asking again and confirming deletes them.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete all…');
    await page.getByRole('button', { name: 'Delete all…' }).click();
    await page.getByRole('button', { name: 'Yes, delete all 2' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 2 dead letters.' }).waitFor();
    await page.getByText('No dead letters').waitFor();
    assert.equal(await count('dead'), 0);
    assert.equal(await count('queued'), Number(await page.getByTestId('depth-queued').textContent()), 'the replayed job still waits');

    // 360 px: the page still fits (the table scrolls in its own frame).
    await deadLetter('mail.send', { key: 'test:narrow', to: 'narrow@example.com' }, `${'x'.repeat(300)}\nstack`);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('dead-letters').waitFor();
    await assertFits(page);
    await page.screenshot({ path: join(shots, 'jobs-360.png'), fullPage: true });
    watch.assertClean();
  });

  test('the job page refreshes itself every 10 s while the tab is visible, and not while it is hidden', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.clock.install();
    await signUpAdmin(page, 'clock.admin@example.com');
    await page.goto(`${baseUrl}/admin/jobs`);
    await page.getByTestId('queue-depth').waitFor();
    const loads = (): number => watch.urls.filter((u) => new URL(u).pathname === '/api/admin/jobs').length;
    const settle = () => page.getByRole('button', { name: 'Refresh', exact: true }).waitFor();
    const first = loads();
    await page.clock.runFor(10_000);
    await until(() => loads() === first + 1, 'one reload after 10 s');
    await settle();

    // Headless tabs are always "visible": stand in for the browser (a string, so tsx adds no helper to the page).
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, value: '${state}' }); document.dispatchEvent(new Event('visibilitychange'));`);
    await setVisibility('hidden');
    await page.clock.runFor(35_000);
    await new Promise((r) => setTimeout(r, 300)); // (real time) a reload the timers fired would have been requested
    assert.equal(loads(), first + 1, 'no reloads while the tab is hidden');
    await setVisibility('visible');
    await until(() => loads() === first + 2, 'coming back reloads at once');
    await page.clock.runFor(10_000);
    await until(() => loads() === first + 3, 'and every 10 s again');
    await settle();
    watch.assertClean();
  });

  test('an admin reads the mail the shop would have sent: newest first, filtered by recipient, text and sandboxed HTML', async () => {
    // A customer signs up: the welcome mail is queued; the shop's mailer delivers it as the worker would.
    const customer = `grace.${Date.now()}@example.com`;
    assert.equal((await new ApiClient(baseUrl).signup(customer, 'Customer-pass-2024', 'Grace')).status, 201);
    const queued = await db().selectFrom('jobs').select(['payload']).where('type', '=', 'mail.send').where('status', '=', 'queued').execute();
    const welcome = queued.map((j) => j.payload as MailPayload).find((p) => p.to === customer);
    assert.ok(welcome, 'the welcome mail was queued');
    const { mailer } = app!.shop.runtime;
    await mailer.send(welcome.key, { to: welcome.to, subject: welcome.subject, text: welcome.text, html: welcome.html });
    // A later message to someone else, whose HTML tries to run a script.
    await new Promise((r) => setTimeout(r, 20));
    await mailer.send('test:shipped', {
      to: 'ship.me@example.com',
      subject: 'Your order #1001 has shipped',
      text: 'Hello,\n\nYour parcel is on its way: UPS 1Z999AA10123456784.\n',
      html: '<!doctype html><p id="hi" style="color:#1e6b3a">Your parcel is on its way.</p><script>document.body.dataset.ran = "yes"</script>',
    });

    const page = await newPage();
    const watch = watchPage(page);
    await signUpAdmin(page, 'mailbox.admin@example.com');
    await page.goto(`${baseUrl}/admin/mailbox`);
    await page.getByRole('heading', { level: 1, name: 'Mailbox' }).waitFor();
    const list = page.getByTestId('mail-list');
    await list.waitFor();
    const subjects = await list.locator('.mail-subject').allTextContents();
    assert.equal(subjects[0], 'Your order #1001 has shipped', 'newest first');
    assert.ok(subjects.includes(welcome.subject), `the welcome mail is listed (${welcome.subject})`);

    // Selecting a message shows its text part, and its HTML in a frame that may run nothing.
    const item = list.getByRole('button', { name: new RegExp(`${escapeRegExp(welcome.subject)}.*${escapeRegExp(customer)}`) });
    await item.click();
    const view = page.getByTestId('mail-view');
    await view.getByRole('heading', { level: 2, name: welcome.subject }).waitFor();
    assert.equal(await item.getAttribute('aria-current'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'mail-title', 'focus moves to the message');
    assert.equal(await view.getByTestId('mail-text').textContent(), welcome.text);
    assert.match(welcome.text, /Hello Grace,/);
    const frame = view.getByTestId('mail-html');
    assert.equal(await frame.getAttribute('sandbox'), '');
    assert.equal(await frame.getAttribute('srcdoc'), welcome.html);
    await page.frameLocator('[data-testid="mail-html"]').getByRole('heading', { name: welcome.subject }).waitFor();
    await frame.screenshot({ path: join(shots, 'mailbox-html.png') });
    await page.screenshot({ path: join(shots, 'mailbox.png'), fullPage: true });

    await list.getByRole('button', { name: /Your order #1001 has shipped/ }).click();
    await view.getByRole('heading', { level: 2, name: 'Your order #1001 has shipped' }).waitFor();
    assert.match((await view.getByTestId('mail-text').textContent()) ?? '', /UPS 1Z999AA10123456784/);
    const shipped = page.frameLocator('[data-testid="mail-html"]');
    await shipped.getByText('Your parcel is on its way.').waitFor();
    assert.equal(await shipped.locator('body').getAttribute('data-ran'), null, 'the mail’s script did not run');

    // The recipient filter narrows the list and lives in the URL.
    await page.getByLabel('Recipient').fill('ship.me@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/admin\/mailbox\?to=ship\.me%40example\.com$/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="mail-list"] li').length === 1);
    assert.deepEqual(await list.locator('.mail-subject').allTextContents(), ['Your order #1001 has shipped']);
    await page.getByRole('link', { name: 'Show all mail' }).click();
    await page.waitForURL(/\/admin\/mailbox$/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="mail-list"] li').length > 1);

    // 360 px: list and message one above the other, nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 800 });
    await list.getByRole('button', { name: new RegExp(escapeRegExp(welcome.subject)) }).first().click();
    await view.getByTestId('mail-text').waitFor();
    await assertFits(page);
    await page.screenshot({ path: join(shots, 'mailbox-360.png'), fullPage: true });
    // The blocked inline script is reported by Chromium (sandbox, and the page's CSP the srcdoc inherits).
    watch.assertClean(/^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/);

    // When mail goes to a real SMTP server the API says so (404): the page shows why there is nothing to read.
    await page.route('**/api/admin/mailbox*', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'There is no development mailbox: mail goes to the SMTP server in SMTP_URL' } }),
      }),
    );
    await page.reload();
    const smtp = page.getByTestId('mailbox-smtp');
    await smtp.waitFor();
    assert.match((await smtp.textContent()) ?? '', /mail goes to the SMTP server in SMTP_URL/);
  });

  test('an admin reads the store advisor: findings most severe first, with evidence and fix, checked again on demand', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await signUpAdmin(page, 'advisor.admin@example.com');
    await page.goto(`${baseUrl}/admin/advisor`);
    await page.getByRole('heading', { name: 'Advisor', level: 1 }).waitFor();
    const findings = page.getByTestId('advisor-finding');
    await findings.first().waitFor();
    const texts = await findings.allInnerTexts();
    assert.ok(texts.some((t) => /One API instance serves the shop/.test(t)), texts.join('\n---\n'));
    assert.ok(texts.every((t) => /Evidence:/.test(t) && /Fix:/.test(t)));
    const severities = texts.map((t) => ['High', 'Medium', 'Low'].findIndex((s) => t.startsWith(s)));
    assert.deepEqual(severities, [...severities].sort((a, b) => a - b), 'most severe first');
    const deadId = await deadLetter('mail.send', { to: 'advisor@example.com' }, 'SMTP 550');
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText(/background job\(s\) failed for good/).first().waitFor();
    await db().deleteFrom('jobs').where('id', '=', deadId).execute();
    await assertFits(page);
    watch.assertClean();
  });

  test('a merchant keeps the order desk but may not open the operations pages; guests never load them', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/account/signin?next=${encodeURIComponent('/admin/jobs')}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/jobs$/);
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    assert.match((await page.getByTestId('not-allowed').textContent()) ?? '', /Only admin accounts/);
    await page.getByRole('link', { name: 'Back to orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    const sections = page.getByRole('navigation', { name: 'Admin sections' });
    assert.deepEqual(await sections.getByRole('link').allTextContents(), ['Dashboard', 'Orders', 'Customers', 'Products'], 'no Jobs or Mailbox for merchants');
    await page.goto(`${baseUrl}/admin/mailbox`);
    await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    assert.deepEqual(watch.urls.filter((u) => /AdminJobs|AdminMailbox|\/api\/admin\/(jobs|mailbox)/.test(u)), [], 'nothing of the operations pages was fetched');
    watch.assertClean();

    const guest = await newPage(360);
    const guestWatch = watchPage(guest);
    await guest.goto(`${baseUrl}/admin/jobs`);
    await guest.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    assert.match((await guest.getByTestId('not-allowed').textContent()) ?? '', /Sign in with an admin account/);
    assert.deepEqual(guestWatch.urls.filter((u) => /Admin/.test(u)), [], 'no admin chunk for guests');
    guestWatch.assertClean();
  });
});

/** Waits (in real time: the page's clock may be a fake one) until `ok()` holds. */
async function until(ok: () => boolean, what: string, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > end) assert.fail(`timed out: ${what}`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
