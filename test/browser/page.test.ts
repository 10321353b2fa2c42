import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../src/server.js';
import { buildIndex, makeTempDir, removeDir, repoRoot, startTestServer } from '../integration/helpers.js';
import { launchBrowser } from './browser.js';

/** Where the tests leave a screenshot of each view (docs/screenshots holds the committed ones: SCREENSHOT_DIR=docs/screenshots). */
const screenshotDir = process.env.SCREENSHOT_DIR ?? join(repoRoot, 'test-results/screenshots');
const samplePapers = join(repoRoot, 'index-data/samples/sample-papers.jsonl');

let workDir: string;
let server: RunningServer;
let browser: Browser;

before(async () => {
  workDir = await makeTempDir();
  await mkdir(screenshotDir, { recursive: true });
  // The page needs what the bundled sample has: authors, categories, years, DOIs and arXiv ids.
  await buildIndex(join(workDir, 'index'), samplePapers);
  server = await startTestServer(join(workDir, 'index'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await removeDir(workDir);
});

/** A new context (no shared storage), a page whose script errors fail the test. */
async function openPage(path: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, baseURL: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(path);
  return { context, page, errors };
}

async function hitIds(page: Page): Promise<string[]> {
  return page
    .locator('.hits .hit-title a')
    .evaluateAll((links) => links.map((link) => decodeURIComponent(new URL((link as HTMLAnchorElement).href).pathname.slice('/paper/'.length))));
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('the search page', () => {
  it('paints first in under a second and finds papers as you type', async () => {
    // The browser's first page ever also starts its renderer: warm it up, then measure a fresh visit.
    await (await openPage('/')).context.close();
    const { context, page, errors } = await openPage('/');
    const firstPaint = (await (await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime)).jsonValue()) as number;
    assert.ok(firstPaint < 1_000, `first contentful paint ${firstPaint} ms`);
    await page.getByRole('searchbox', { name: 'Search papers' }).pressSequentially('implicit neural video representation', { delay: 20 });
    await page.locator('.hits .hit').first().waitFor();
    assert.match(page.url(), /\?q=implicit\+neural\+video\+representation$/);
    const titles = await page.locator('.hits .hit-title').allTextContents();
    assert.ok(titles.length >= 10);
    assert.ok(
      titles.slice(0, 3).some((title) => /video/i.test(title)),
      titles.slice(0, 3).join(' | '),
    );
    await page.screenshot({ path: join(screenshotDir, 'search.png') });
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('narrows the results with the year filter, and keeps it in the URL', async () => {
    const { context, page } = await openPage('/?q=robot+perception');
    await page.locator('.hits .hit').first().waitFor();
    await page.getByLabel('from').fill('2026');
    await page.getByLabel('from').press('Enter');
    await page.waitForURL(/from=2026/);
    await page.waitForFunction(() => !document.querySelector('.hits.stale') && document.querySelectorAll('.hits .hit').length > 0);
    const metas = await page.locator('.hits .hit .meta').allTextContents();
    assert.ok(metas.length > 0);
    for (const meta of metas) assert.match(meta, /· 2026/, meta);
    await context.close();
  });

  it('shows an API error as a sentence, not JSON', async () => {
    const { context, page } = await openPage('/paper/no-such-paper');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'There is no paper “no-such-paper” in the collection.');
    await context.close();
  });

  it('is usable with the keyboard: / focuses the search box, the down arrow the first result, Enter opens it', async () => {
    const { context, page } = await openPage('/');
    await page.locator('body').press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'query');
    await page.keyboard.type('speech recognition');
    await page.keyboard.press('Enter');
    await page.locator('.hits .hit').first().waitFor();
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.getAttribute('href'));
    assert.match(focused ?? '', /^\/paper\//);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/paper\//);
    await page.locator('h1').waitFor();
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await openPage('/?q=large+language+models', { width: 390, height: 844 });
    await page.locator('.hits .hit').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.screenshot({ path: join(screenshotDir, 'search-phone.png') });
    await context.close();
  });
});

describe('paste an abstract', () => {
  it('finds similar papers and highlights the closest sentence of each', async () => {
    const { context, page, errors } = await openPage('/similar');
    await page
      .getByLabel('Abstract')
      .fill(
        'We represent each video as a neural network that maps frame indices to frames. Encoding a video means fitting the network; ' +
          'decoding is a forward pass. Pruning and quantizing the weights gives a compact video codec competitive with classic ones.',
      );
    await page.getByRole('button', { name: 'Find similar papers' }).click();
    await page.locator('.hits .hit').first().waitFor({ timeout: 60_000 });
    const marks = await page.locator('.hits .hit mark').count();
    assert.ok(marks >= 5, `${marks} highlighted sentences`);
    assert.match((await page.locator('.hits .hit-title').first().textContent()) ?? '', /video|neural|representation/i);
    await page.screenshot({ path: join(screenshotDir, 'similar.png') });
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('a paper page', () => {
  it('opens from a result, shows the paper and its related papers, and re-ranks them with "less like this"', async () => {
    const { context, page, errors } = await openPage('/?q=gaussian+splatting+sensor+simulation');
    const first = page.locator('.hits .hit-title a').first();
    await first.waitFor();
    const title = await first.textContent();
    await first.click();
    await page.waitForURL(/\/paper\//);
    assert.equal(await page.locator('h1').textContent(), title);
    await page.getByRole('heading', { name: 'Related papers' }).waitFor();
    await page.locator('.hits .hit').first().waitFor();
    const before = await hitIds(page);
    assert.equal(before.length, 10);
    assert.ok(await page.getByRole('link', { name: /^arXiv/ }).count());
    await page.screenshot({ path: join(screenshotDir, 'paper.png') });
    assert.deepEqual(await seriousViolations(page), []);

    const unwanted = before[0]!;
    await page.getByRole('button', { name: 'Less like this' }).first().click();
    await page.getByText('Re-ranked by your feedback').waitFor();
    await page.waitForFunction(() => !document.querySelector('.hits.stale'));
    await page.waitForFunction(
      (id) => ![...document.querySelectorAll('.hits .hit-title a')].some((link) => link.getAttribute('href') === `/paper/${id}`),
      unwanted,
    );
    const reranked = await hitIds(page);
    assert.ok(reranked.length > 0);
    assert.ok(!reranked.includes(unwanted), 'the paper marked "less like this" is gone');
    assert.notDeepEqual(reranked, before.filter((id) => id !== unwanted).slice(0, reranked.length), 'the order changed, not just one paper removed');

    await page.getByRole('button', { name: 'More like this' }).first().click();
    await page.waitForFunction(() => !document.querySelector('.hits.stale'));
    assert.equal(await page.getByRole('button', { name: /^Remove “/ }).count(), 2);
    await page.getByRole('button', { name: 'Clear feedback' }).click();
    assert.deepEqual(await hitIds(page), before);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
