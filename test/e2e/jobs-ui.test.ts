import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BrowseResponse, StatusResponse } from '../../preload/contract.js';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { writeShopCatalog } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

/** A long text-only catalog: its import runs long enough to watch and cancel. */
function longCatalog(dir: string, rows: number): string {
  const file = path.join(dir, 'many.csv');
  const lines = ['sku,name,category,price'];
  for (let i = 0; i < rows; i++) lines.push(`P${i},lamp number ${i},lamp,${10 + (i % 40)}`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test(
  'jobs in Chromium: a catalog import shows its progress row and cancels; a waiting label set cancels; a category with a space filters',
  { skip: chromiumMissing, timeout: 180_000 },
  async (t) => {
    const dir = tempDir(t);
    const shop = await writeShopCatalog(path.join(dir, 'shop'));
    // A category of two words, as real catalogs have ("stainless steel").
    fs.writeFileSync(shop, fs.readFileSync(shop, 'utf8').replace('K1;Kettle;boils water;kettle-red.png;red;kettle;30', 'K1;Kettle;boils water;kettle-red.png;red;stainless steel;30'));
    const many = longCatalog(dir, 100_000);
    const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
    const { api } = served;
    await api('importCatalog', { file: shop });

    const browser = await launchChromium(t);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(served.url);
    try {
      // Substitutes filtered by a category of two words: the kettle, and nothing breaks.
      const products = await api<BrowseResponse>('browse', { kinds: ['product'] });
      const redToaster = products.items.find((p) => p.path?.endsWith('toaster-red.png'));
      assert.ok(redToaster);
      await page.locator(`[role="gridcell"][data-id="${redToaster.id}"]`).click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Find substitutes' }).click();
      await page.getByRole('heading', { name: /^Substitutes for Toaster/ }).waitFor();
      await page.getByLabel('Category').fill('stainless steel');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByText('category = stainless steel').waitFor();
      await page.waitForFunction(() => [...document.querySelectorAll('[role="gridcell"][data-index]')].map((c) => c.getAttribute('data-name')).join() === 'Kettle');
      await screenshot(page, 'jobs-01-two-word-category');
      await page.getByRole('button', { name: 'Back to library' }).click();

      // A long import: its row shows rows done of the total, then Cancel stops it.
      await page.getByRole('button', { name: 'Import catalog…' }).click();
      await page.getByLabel('Import catalog: path').fill(many);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('dialog', { name: 'Import catalog' }).getByRole('button', { name: 'Import', exact: true }).click();
      const row = page.getByTestId('job-catalog-import');
      await row.getByText(/of 100,000 rows/).waitFor({ timeout: 30_000 });
      assert.equal(await row.getByRole('progressbar').count(), 1);

      // A label set asked for meanwhile waits its turn; cancelled there, it never runs.
      await page.getByRole('button', { name: 'New label set…' }).click();
      await page.getByLabel('Label set name').fill('kinds');
      await page.getByLabel('Labels, separated by commas').fill('lamp, toaster, ball');
      await page.getByRole('button', { name: 'Tag the library' }).click();
      const waiting = page.getByTestId('job-label-set');
      await waiting.getByRole('heading', { name: 'Waiting: Label set "kinds"' }).waitFor();
      await screenshot(page, 'jobs-02-import-and-waiting-label-set');
      await page.setViewportSize({ width: 1024, height: 640 });
      await screenshot(page, 'jobs-02-small-window');
      await page.setViewportSize({ width: 1440, height: 900 });
      await waiting.getByRole('button', { name: 'Cancel Label set "kinds"' }).click();
      await page.getByText(/cancelled before it started/).waitFor();

      await row.getByRole('button', { name: 'Cancel Importing many.csv' }).click();
      await page.getByText(/import cancelled after/).waitFor({ timeout: 30_000 });
      await row.waitFor({ state: 'detached' });
      await screenshot(page, 'jobs-03-import-cancelled');
      const status = await api<StatusResponse>('status', {});
      const imported = status.items.byKind.product - 6;
      assert.ok(imported > 0 && imported < 100_000, `${imported} of 100,000 rows imported before the cancel`);
      assert.deepEqual(await api('labelSets', {}), [], 'the cancelled label set tagged nothing');
      assert.deepEqual((await api<{ jobs: unknown[] }>('progress', {})).jobs, []);
    } catch (error) {
      await screenshot(page, 'jobs-failure');
      throw error;
    }
    assert.deepEqual(pageErrors, []);
  },
);
