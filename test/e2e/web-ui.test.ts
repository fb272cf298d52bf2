import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { colourPhoto, writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing, testModelEnv } from '../helpers/test-models.js';

const PALETTE: Record<string, [number, number, number]> = { red: [205, 35, 30], green: [40, 190, 50], blue: [35, 45, 205] };
const REAL_PHOTOS = 30;
const FILLER = 160;

/** 5 photos each of red, green and blue, 30 real ImageNet photos, and 160 others to make indexing last a moment. */
async function pictures(dir: string): Promise<{ folder: string; total: number }> {
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(path.join(folder, 'colours'), { recursive: true });
  for (const [name, rgb] of Object.entries(PALETTE)) {
    for (let i = 0; i < 5; i++) await colourPhoto(path.join(folder, 'colours', `${name}-${i}.jpg`), rgb, i + name.length * 10);
  }
  const real = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).slice(0, REAL_PHOTOS);
  fs.mkdirSync(path.join(folder, 'imagenet'));
  for (const file of real) fs.copyFileSync(path.join(IMAGENET, file), path.join(folder, 'imagenet', file));
  await writePhotos(path.join(folder, 'filler'), FILLER, 'filler', 0, { width: 900, height: 700 });
  return { folder, total: 15 + real.length + FILLER };
}

const cellNames = (page: Page, count: number): Promise<string[]> =>
  page.$$eval('[role="gridcell"][data-index]', (cells, n) => cells.slice(0, n).map((c) => c.getAttribute('data-name') ?? ''), count);

function rawRequest(port: number, options: { path: string; host?: string; token?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: options.path,
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

test(
  'web mode in Chromium: add a folder, watch it index, search, open, find similar, keyboard, themes',
  { skip: chromiumMissing ?? imagenetMissing, timeout: 180_000 },
  async (t) => {
    const dir = tempDir(t);
    const { folder, total } = await pictures(dir);
    const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
    const token = new URL(served.url).hash.replace('#token=', '');

    // The API refuses requests without the token, with a wrong one, or with a foreign Host.
    assert.equal(await rawRequest(served.port, { path: '/api/status' }), 401);
    assert.equal(await rawRequest(served.port, { path: '/api/status', token: 'x'.repeat(token.length) }), 401);
    assert.equal(await rawRequest(served.port, { path: '/api/status', token, host: 'evil.example:80' }), 403);
    assert.equal(await rawRequest(served.port, { path: '/api/status', token }), 200);

    const browser = await launchChromium(t);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The malformed query below is answered 400 on purpose; anything else is a fault.
      if (message.type() === 'error' && !/status of 400/.test(message.text())) pageErrors.push(message.text());
    });
    await page.goto(served.url);

    try {
      // The token leaves the address bar at once.
      assert.equal(new URL(page.url()).hash, '');

      // Empty state: asks for a folder and offers the demo catalog.
      await page.getByRole('heading', { name: 'Find your photos by what is in them' }).waitFor();
      await page.getByRole('button', { name: 'Try the demo product catalog' }).waitFor();
      await screenshot(page, 'web-01-empty-state');

      // Add the folder; pause while it indexes, then let it finish.
      await page.getByRole('button', { name: 'Add folder…' }).first().click();
      await page.getByLabel('Add folder: path').fill(folder);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const pause = page.getByRole('button', { name: 'Pause' });
      await pause.waitFor({ timeout: 30_000 });
      await screenshot(page, 'web-02-indexing');
      await pause.click();
      await page.getByRole('heading', { name: 'Paused' }).waitFor();
      // Batches already in flight are written; then nothing moves.
      const progressText = (): Promise<string | null> => page.getByTestId('index-progress').textContent();
      let pausedAt = await progressText();
      // Settled: the same for three looks in a row (a batch in flight on a busy machine can take
      // more than one look's time to be written).
      for (let same = 0; same < 3; ) {
        await page.waitForTimeout(800);
        const now = await progressText();
        same = now === pausedAt ? same + 1 : 0;
        pausedAt = now;
      }
      await page.waitForTimeout(1500);
      assert.equal(await progressText(), pausedAt, 'nothing moves while paused');
      assert.match(pausedAt ?? '', /to go/);
      await screenshot(page, 'web-03-paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.getByTestId('result-count').filter({ hasText: `${total} items` }).waitFor({ timeout: 120_000 });
      await page.getByRole('heading', { name: 'Indexing' }).waitFor({ state: 'detached' });
      // Thumbnails load (by id, with the token).
      await page.waitForFunction(() => [...document.querySelectorAll('[role="gridcell"] img')].some((img) => (img as HTMLImageElement).naturalWidth > 0));
      await screenshot(page, 'web-04-library');

      // Search: the red photos come first, and the cut-off leaves the rest below.
      const search = page.getByRole('searchbox', { name: 'Search' });
      await search.fill('red');
      await search.press('Enter');
      await page.getByRole('heading', { name: '“red”' }).waitFor();
      // (A red salamander among the ImageNet photos may rightly rank with them.)
      await page.waitForFunction(() => [...document.querySelectorAll('[role="gridcell"][data-index]')].slice(0, 6).filter((c) => c.getAttribute('data-name')?.startsWith('red-')).length === 5);
      assert.equal((await cellNames(page, 12)).filter((n) => /^(green|blue)-/.test(n)).length, 0);
      await screenshot(page, 'web-05-search');

      // A malformed query shows where it went wrong, inline, and keeps the results.
      await search.fill('red after:yesterday');
      await search.press('Enter');
      const queryError = page.getByRole('alert').filter({ hasText: 'after:' });
      await queryError.waitFor();
      assert.match((await queryError.textContent()) ?? '', /date/i);
      assert.equal((await cellNames(page, 6)).filter((n) => n.startsWith('red-')).length, 5);
      await screenshot(page, 'web-06-query-error');
      await search.fill('red');
      await search.press('Enter');
      await queryError.waitFor({ state: 'detached' });

      // Keyboard: / focuses the search, ArrowDown moves into the grid, arrows move, Enter opens, Esc closes.
      await page.locator('body').click({ position: { x: 5, y: 780 } });
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Search');
      await page.keyboard.press('ArrowDown');
      const selected = (): Promise<string | null> => page.locator('[role="gridcell"][aria-selected="true"]').getAttribute('data-index');
      assert.equal(await selected(), '0');
      await page.keyboard.press('ArrowRight');
      assert.equal(await selected(), '1');
      const columns = await page.evaluate(() => {
        const cells = [...document.querySelectorAll('[role="gridcell"]')].map((c) => c.getBoundingClientRect().top);
        return cells.filter((top) => top === cells[0]).length;
      });
      await page.keyboard.press('ArrowDown');
      assert.equal(await selected(), String(1 + columns));
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await selected(), '0');
      await page.keyboard.press('Enter');
      const details = page.getByRole('complementary', { name: 'Details' });
      await details.waitFor();
      await details.getByText(folder + path.sep).waitFor();
      await details.getByText('Mostly similar meaning.').waitFor();
      await page.waitForFunction(() => (document.querySelector('[aria-label="Details"] img') as HTMLImageElement | null)?.naturalWidth);
      await screenshot(page, 'web-07-detail');
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'detached' });

      // Right-click a green photo → find similar by colour: green ones first.
      await search.fill('green');
      await search.press('Enter');
      const target = page.locator('[role="gridcell"][data-name^="green-"]').first();
      await target.waitFor();
      const targetName = (await target.getAttribute('data-name')) ?? '';
      await target.click({ button: 'right' });
      await page.getByRole('menu').waitFor();
      await screenshot(page, 'web-08-context-menu');
      await page.getByRole('menuitem', { name: 'Find similar by colour' }).click();
      await page.getByRole('heading', { name: `Like ${targetName} · by colour` }).waitFor();
      // The heading changes as the request leaves; the grid says it is busy until the answer is in.
      await page.locator('[role="grid"][aria-busy="false"]').waitFor();
      const similar = await cellNames(page, 4);
      assert.ok(!similar.includes(targetName), 'the example itself is left out');
      assert.deepEqual(similar.map((n) => n.split('-')[0]), ['green', 'green', 'green', 'green']);
      await screenshot(page, 'web-09-similar');

      // Dark theme.
      await page.getByRole('button', { name: /Switch theme/ }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await screenshot(page, 'web-10-dark');

    } catch (error) {
      await screenshot(page, 'web-failure'); // what the page showed when it failed
      if (pageErrors.length > 0) console.error('page errors:', pageErrors);
      throw error;
    }
    assert.deepEqual(pageErrors, []);
  },
);
