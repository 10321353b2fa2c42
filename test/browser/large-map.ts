/**
 * The search page's map against a real server on a large index: `node --import tsx
 * test/browser/large-map.ts --index <folder>` (the folder is copied first; an index without a map layout
 * makes the server compute one in a worker, as for indexes built before maps). In Debian's
 * Chromium it opens /map and reports how long the page said "the map is being prepared", how
 * long until the map was drawn, the size of GET /v1/map, and the cost of a redraw and of finding
 * the point under the pointer, with the machine's load (only figures of one run compare).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { launchBrowser } from './browser.js';

const { values } = parseArgs({ options: { index: { type: 'string' } } });
if (!values.index) throw new Error('--index <folder> is required');
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const folder = await mkdtemp(join(tmpdir(), 'paper-search-web-map-'));
const indexDir = join(folder, 'index');
await cp(resolve(values.index), indexDir, { recursive: true });
const server = await startServer(
  loadConfig({ ...process.env, INDEX_DIR: indexDir, MODEL_DIR: resolve('models'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
  createLogger('warn'),
);
await server.ready;
const browser = await launchBrowser();
try {
  const results: Record<string, unknown> = { loadBefore: load() };
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
  const started = performance.now();
  await page.goto('/map');
  const preparing = await page
    .getByText('The map is being prepared')
    .waitFor({ timeout: 10_000 })
    .then(
      () => true,
      () => false,
    );
  await page.waitForFunction(() => ((window as unknown as { paperSearchMap?: { lastDrawMs: number } }).paperSearchMap?.lastDrawMs ?? 0) > 0, undefined, {
    timeout: 1_800_000,
    polling: 250,
  });
  results.saidBeingPrepared = preparing;
  results.secondsUntilDrawn = Math.round((performance.now() - started) / 100) / 10;
  const response = await fetch(`${server.url}/v1/map`);
  results.mapResponseBytes = (await response.text()).length;
  results.papers = Number((await page.locator('.map-canvas').getAttribute('aria-label'))?.match(/[\d,]+/)?.[0]?.replaceAll(',', ''));
  const reload = performance.now();
  await page.reload();
  await page.waitForFunction(() => ((window as unknown as { paperSearchMap?: { lastDrawMs: number } }).paperSearchMap?.lastDrawMs ?? 0) > 0, undefined, {
    polling: 50,
  });
  results.secondsUntilDrawnOnceComputed = Math.round((performance.now() - reload) / 100) / 10;
  const redraws = await page.evaluate(() => {
    const plot = (window as unknown as { paperSearchMap: { draw(): void; zoomAt(factor: number): void; lastDrawMs: number } }).paperSearchMap;
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      plot.zoomAt(i < 10 ? 1.2 : 1 / 1.2);
      plot.draw();
      times.push(plot.lastDrawMs);
    }
    return times.sort((a, b) => a - b);
  });
  results.redrawMs = { min: redraws[0], median: redraws[10], max: redraws[19] };
  results.pointerLookupMs = await page.evaluate(() => {
    const canvas = document.querySelector('.map-canvas')!;
    const box = canvas.getBoundingClientRect();
    const begun = performance.now();
    for (let i = 0; i < 100; i++)
      canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + ((i * 7) % box.width), clientY: box.top + box.height / 2, bubbles: true }));
    return (performance.now() - begun) / 100;
  });
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
  results.loadAfter = load();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  await browser.close();
  await server.close();
  await rm(folder, { recursive: true, force: true });
}
