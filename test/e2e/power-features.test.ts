import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { BrowseResponse } from '../../preload/contract.js';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { fakeHub } from '../helpers/fake-hub.js';
import { colourPhoto } from '../helpers/library.js';
import { writeShopCatalog } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FIXTURE_MODELS, testModelEnv } from '../helpers/test-models.js';

const PALETTE: Record<string, [number, number, number]> = { red: [205, 35, 30], green: [40, 190, 50], blue: [35, 45, 205] };

async function colourFolder(folder: string): Promise<number> {
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, rgb] of Object.entries(PALETTE)) {
    for (let i = 0; i < 5; i++) await colourPhoto(path.join(folder, `${name}-${i}.jpg`), rgb, i + name.length * 10);
  }
  for (let i = 0; i < 15; i++) {
    const grey = 60 + i * 8;
    await colourPhoto(path.join(folder, `grey-${i}.jpg`), [grey, grey + 4, grey - 3], 100 + i);
  }
  return 30;
}

const names = (page: Page, count: number): Promise<string[]> =>
  page.$$eval('[role="gridcell"][data-index]', (cells, n) => cells.slice(0, n).map((c) => c.getAttribute('data-name') ?? ''), count);

/** Waits until the grid's first cells have these names (re-ranking is debounced). */
async function firstCells(page: Page, expected: string[]): Promise<void> {
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('[role="gridcell"][data-index]')].slice(0, want.length).map((c) => c.getAttribute('data-name'))) === JSON.stringify(want),
    expected,
    { timeout: 15_000 },
  );
}

test(
  'power features in Chromium: weights and presets, substitutes, labels, classify, colour, compare, settings',
  { skip: chromiumMissing, timeout: 180_000 },
  async (t) => {
    const dir = tempDir(t);
    const photos = path.join(dir, 'Pictures');
    const total = await colourFolder(photos);
    const csv = await writeShopCatalog(path.join(dir, 'shop'));
    const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
    const { api } = served;

    const browser = await launchChromium(t);
    const page = await browser.newPage({ viewport: { width: 1280, height: 640 }, colorScheme: 'light' });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(served.url);
    try {
      await page.getByRole('button', { name: 'Add folder…' }).first().click();
      await page.getByLabel('Add folder: path').fill(photos);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByTestId('result-count').filter({ hasText: `${total} items` }).waitFor({ timeout: 60_000 });

      // Products: import the shop's catalog through the UI; the grid shows its products.
      await page.getByRole('button', { name: 'Import catalog…' }).click();
      await page.getByLabel('Import catalog: path').fill(csv);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      // The import window: the first rows, each column's role guessed.
      const window = page.getByRole('dialog', { name: 'Import catalog' });
      await window.getByRole('cell', { name: 'Kettle', exact: true }).waitFor();
      assert.equal(await window.getByLabel('Role of the column sku').inputValue(), 'id');
      assert.equal(await window.getByLabel('Role of the column name').inputValue(), 'name');
      assert.equal(await window.getByLabel('Role of the column image').inputValue(), 'image');
      assert.equal(await window.getByLabel('Role of the column colour').inputValue(), 'colour');
      assert.equal(await window.getByLabel('Role of the column price').inputValue(), 'price');
      await screenshot(page, 'power-00-import-window');
      await window.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Products' }).waitFor();
      await page.getByTestId('result-count').filter({ hasText: '6 items' }).waitFor();
      await screenshot(page, 'power-01-products');

      // Substitutes for the red toaster: a preset sets the sliders and ranks as its name says.
      const products = await api<BrowseResponse>('browse', { kinds: ['product'] });
      const redToaster = products.items.find((p) => p.path?.endsWith('toaster-red.png'));
      assert.ok(redToaster);
      await page.locator(`[role="gridcell"][data-id="${redToaster.id}"]`).click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Find substitutes' }).click();
      await page.getByRole('heading', { name: /^Substitutes for Toaster/ }).waitFor();
      const slider = (name: string) => page.getByRole('slider', { name: `Weight of ${name}` });
      await page.getByLabel('Preset').selectOption('same-function');
      assert.deepEqual(
        await Promise.all(['meaning', 'look', 'words', 'colour'].map((n) => slider(n).inputValue())),
        ['0', '0', '1', '0'],
      );
      await firstCells(page, ['Toaster']); // the other toaster: same job, other colour
      await page.getByLabel('Preset').selectOption('same-look');
      assert.equal(await slider('look').inputValue(), '0.6');
      await firstCells(page, ['Kettle']); // the same red box, boils water
      await screenshot(page, 'power-02-substitutes-same-look');

      // Moving sliders re-ranks as the weights imply: words only → the other toaster again.
      await slider('look').fill('0');
      await slider('meaning').fill('0');
      await slider('words').fill('1');
      await firstCells(page, ['Toaster']);
      // Field filters: only balls under 21 → the football; the basketball example from the seed.
      await page.getByLabel('Category').fill('toaster');
      await page.getByLabel('Maximum price').fill('50');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByText('category = toaster and price <= 50').waitFor();
      assert.deepEqual(await names(page, 5), ['Toaster']);
      // The user's own preset, saved with the library.
      await page.getByRole('button', { name: 'Save as preset…' }).click();
      await page.getByLabel('Preset name').fill('words only');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('option', { name: 'words only' }).waitFor({ state: 'attached' });
      assert.equal(await page.getByLabel('Preset').inputValue(), 'same-function', 'words only equals a built-in preset, which is shown');
      await screenshot(page, 'power-03-weights-filters');

      // Look-alikes of a red photo: a slider moves, the order follows, the scroll position stays.
      await page.getByRole('button', { name: 'Back to library' }).click();
      const search = page.getByRole('searchbox', { name: 'Search' });
      await search.fill('red kind:photo');
      await search.press('Enter');
      const red = page.locator('[role="gridcell"][data-name^="red-"]').first();
      await red.click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Find similar by colour' }).click();
      await page.getByRole('heading', { name: /· by colour$/ }).waitFor();
      await page.getByRole('button', { name: 'Show them' }).click().catch(() => undefined);
      await page.waitForFunction(() => document.querySelectorAll('[role="gridcell"]').length >= 20);
      assert.deepEqual((await names(page, 4)).map((n) => n.split('-')[0]), ['red', 'red', 'red', 'red']);
      const grid = page.getByRole('grid', { name: 'Results' });
      await grid.evaluate((element) => (element.scrollTop = 120));
      const before = await names(page, 100);
      // Push colour away: the reds, closest in colour, now come last.
      await slider('colour').fill('-1');
      await page.waitForFunction(() => !document.querySelector('[role="gridcell"]')?.getAttribute('data-name')?.startsWith('red-'));
      assert.notDeepEqual(await names(page, 100), before);
      assert.equal(await grid.evaluate((element) => element.scrollTop), 120, 'the scroll position stays');
      // The grid draws the rows in view: at the bottom, the last results are drawn.
      await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
      await page.waitForTimeout(100);
      const after = await names(page, 100);
      const photosAfter = after.filter((n) => n.endsWith('.jpg'));
      assert.ok(photosAfter.slice(-4).every((n) => n.startsWith('red-')), `reds last: ${after.join(' ')}`);
      await grid.evaluate((element) => (element.scrollTop = 120));
      await screenshot(page, 'power-04-slider-negative-colour');

      // Labels: a label set tags the library; a tag filters it.
      await page.getByRole('button', { name: 'New label set…' }).click();
      await page.getByLabel('Label set name').fill('colours');
      await page.getByLabel('Labels, separated by commas').fill('red, green, blue, grey');
      await page.getByRole('button', { name: 'Tag the library' }).click();
      const blueTag = page.getByRole('button', { name: /^blue \d+$/ });
      await blueTag.waitFor();
      // (The products are tagged too: the blue toaster is blue.)
      const tagged = Number((await blueTag.textContent())?.replace(/\D+/g, ''));
      await blueTag.click();
      await page.getByRole('heading', { name: 'Tagged “blue”' }).waitFor();
      await page.getByTestId('result-count').filter({ hasText: `${tagged} items` }).waitFor();
      const bluePhotos = (await names(page, 100)).filter((n) => n.endsWith('.jpg'));
      assert.deepEqual(bluePhotos.sort(), ['blue-0.jpg', 'blue-1.jpg', 'blue-2.jpg', 'blue-3.jpg', 'blue-4.jpg']);
      await screenshot(page, 'power-05-labels');

      // Classify one image: probability bars, the right label first; its tags in the details.
      await page.locator('[role="gridcell"][data-name^="blue-"]').first().dblclick();
      const details = page.getByRole('complementary', { name: 'Details' });
      await details.getByText(/^blue \d+%$/).waitFor();
      await details.getByLabel('Labels to choose from, separated by commas').fill('red, green, blue');
      await details.getByRole('button', { name: 'Classify' }).click();
      const bars = details.getByRole('list', { name: 'Label probabilities' });
      await bars.waitFor();
      assert.match((await bars.locator('li').first().textContent()) ?? '', /^\s*blue/);
      await screenshot(page, 'power-06-classify');
      await page.keyboard.press('Escape');

      // A colour from the picker joins the query: "like this, in navy".
      await page.getByRole('button', { name: 'Back to library' }).click();
      await page.getByLabel('Colour', { exact: true }).fill('#2030c0');
      await page.getByRole('heading', { name: '“colour:#2030c0”' }).waitFor();
      assert.deepEqual((await names(page, 5)).map((n) => n.split('-')[0]), ['blue', 'blue', 'blue', 'blue', 'blue']);

      // Compare: two texts show both scores; a text and the selected photo show meaning.
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Compare' });
      await dialog.getByLabel('Text A').fill('a happy dog');
      await dialog.getByLabel('Text B').fill('the joyful puppy');
      await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
      const scores = dialog.getByRole('region', { name: 'Similarity' });
      await scores.waitFor();
      assert.deepEqual(await scores.locator('.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-space'))), ['clip', 'text']);
      assert.ok((await scores.locator('output').allTextContents()).every((v) => Number.isFinite(Number(v))));
      await screenshot(page, 'power-07-compare');
      await dialog.getByRole('button', { name: 'Use the selected item' }).last().click();
      await dialog.getByLabel('Text A').fill('something blue');
      await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('[aria-label="Similarity"] .row')].map((r) => r.getAttribute('data-space')).join() === 'clip');
      await page.keyboard.press('Escape');

      // Settings: each space's model with its dtype and files.
      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('cell', { name: /^clip/ }).waitFor();
      assert.equal(await settings.locator('tbody tr').count(), 4);
      await settings.getByLabel('Threads for embedding').selectOption('1');
      for (let i = 0; (await api<{ threads: number | null }>('settings', {})).threads !== 1; i++) {
        assert.ok(i < 50, 'the threads setting is saved');
        await page.waitForTimeout(100);
      }
      await screenshot(page, 'power-08-settings');
      // Further down: reading text and finding faces after indexing, each saved when ticked.
      const faces = settings.getByLabel('Find the faces in new photos after indexing');
      await faces.scrollIntoViewIfNeeded();
      await faces.check();
      for (let i = 0; !(await api<{ faces: boolean }>('settings', {})).faces; i++) {
        assert.ok(i < 50, 'the faces setting is saved');
        await page.waitForTimeout(100);
      }
      await screenshot(page, 'power-08b-settings-lower');
    } catch (error) {
      await screenshot(page, 'power-failure');
      throw error;
    }
    assert.deepEqual(pageErrors, []);
  },
);

test('settings in Chromium: a missing model downloads with a progress bar, then is present', { skip: chromiumMissing, timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const hub = await fakeHub(t, 'acme/tiny-clip', path.join(FIXTURE_MODELS, 'tiny-clip'), { chunkDelayMs: 250 });
  const env = testModelEnv(path.join(dir, 'models'));
  const served = await serve(t, {
    db: path.join(dir, 'data', 'library.db'),
    env: { ...env, SEMBLANCE_OFFLINE: '', SEMBLANCE_MODEL_HOST: hub.url, SEMBLANCE_MODEL_CLIP: 'acme/tiny-clip' },
  });
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(served.url);
  try {
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const clipRow = settings.getByRole('row').filter({ hasText: 'acme/tiny-clip' });
    await clipRow.getByText(/missing \d+ files/).waitFor();
    await clipRow.getByRole('button', { name: 'Download' }).click();
    // The sidebar shows the download as it goes.
    const download = page.getByRole('region', { name: 'Model download' });
    await download.waitFor();
    assert.match((await download.textContent()) ?? '', /acme\/tiny-clip/);
    await screenshot(page, 'power-09-model-download');
    await clipRow.getByText('present').waitFor({ timeout: 60_000 });
    assert.ok(hub.requests.some((r) => r.endsWith('.onnx')), 'the model files came from the hub');
  } catch (error) {
    await screenshot(page, 'power-failure-download');
    throw error;
  }
});
