import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BrowseResponse, IndexSummary, WeightPresetsResponse } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test(
  'web mode over PostgreSQL in Chromium: the library as a timeline, a search, the viewer, and only what it offers on screen',
  { skip: chromiumMissing ?? postgresMissing, timeout: 180_000 },
  async (t) => {
    const dir = tempDir(t);
    const photos = path.join(dir, 'Pictures');
    const files = await writePhotos(photos, 12);
    files.forEach((file, i) => {
      const when = new Date(2023, Math.floor(i / 3), 5);
      fs.utimesSync(file, when, when);
    });
    const cluster = startPostgres(t);
    const served = await serve(t, { env: { ...testModelEnv(path.join(dir, 'models')), SEMBLANCE_DATA_DIR: path.join(dir, 'data') }, options: ['--store', cluster.url, '--files', path.join(dir, 'shared')] });
    assert.equal((await served.api<IndexSummary>('index', { paths: [photos] })).counts.done, 12);

    const { page, pageErrors } = await openApp(t, served);
    await page.getByTestId('result-count').filter({ hasText: '12 items' }).waitFor();
    const scrubber = page.getByRole('navigation', { name: 'Timeline' });
    await scrubber.getByRole('button', { name: '2023', exact: true }).waitFor();
    assert.equal(await scrubber.getByRole('button').count(), 5, 'the year and its four months');
    // Thumbnails come from the shared folder.
    const first = page.locator('[role="gridcell"][data-index="0"] img');
    await first.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[role="gridcell"][data-index="0"] img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-01-library');

    // A search, from the keyboard.
    await page.keyboard.press('/');
    await page.keyboard.type('a photo');
    await page.keyboard.press('Enter');
    await page.getByTestId('result-count').filter({ hasText: /12 results/ }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-02-search');

    // A photo full window, from the keyboard: the viewer shows it (its bounded copy made in the shared folder).
    await page.keyboard.press('Escape');
    await page.locator('[role="gridcell"][data-index="0"]').click();
    await page.keyboard.press('v');
    const viewer = page.getByRole('dialog', { name: /^Viewer: / });
    await viewer.locator('img').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.viewer img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-03-viewer');
    await page.keyboard.press('Escape');

    // What a library in PostgreSQL does not offer yet is not on screen (rather than failing when clicked), and nothing failed on the way.
    for (const name of ['Find duplicates', 'Map of the library', 'Read the text in photos', 'People']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, name);
    }
    assert.equal(await page.getByRole('heading', { name: 'Labels' }).count(), 1, 'label sets are kept in the database');
    assert.equal(await page.getByRole('button', { name: `Forget ${photos}` }).count(), 1, 'forgetting a folder is offered: the database keeps it for undo');
    assert.equal(await page.getByRole('alert').count(), 0, 'no error notice');

    // Albums live in the database: one made (by another process, say) shows in the sidebar and opens.
    const ids = (await served.api<{ items: { id: number }[] }>('browse', { limit: 3 })).items.map((item) => item.id);
    await served.api('createAlbum', { name: 'Best of 2023', ids });
    const album = page.getByRole('button', { name: 'Best of 2023', exact: true });
    await album.click();
    await page.getByTestId('result-count').filter({ hasText: /^3\s+matches/ }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-05-album');

    // Products live in the database too: the demo catalog imported from the sidebar, its pictures shown, a product's substitutes with the presets.
    await page.getByRole('button', { name: 'Import the demo catalog', exact: true }).click();
    await page.getByRole('button', { name: 'Browse 5 products', exact: true }).click();
    await page.getByTestId('result-count').filter({ hasText: '5 items' }).waitFor();
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[role="gridcell"] img')];
      return images.length === 5 && images.every((img) => img.complete && img.naturalWidth > 0);
    });
    const products = await served.api<BrowseResponse>('browse', { kinds: ['product'] });
    const cake = products.items.find((item) => item.title === 'Chocolate cake');
    assert.ok(cake);
    await page.locator(`[role="gridcell"][data-id="${cake.id}"]`).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Find substitutes' }).click();
    await page.getByRole('heading', { name: /^Substitutes for Chocolate cake/ }).waitFor();
    await page.getByLabel('Preset').selectOption('same-look');
    assert.equal(await page.getByRole('slider', { name: 'Weight of look' }).inputValue(), '0.6');
    await page.getByRole('button', { name: 'Save as preset…' }).click();
    await page.getByLabel('Preset name').fill('cakes by look');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('option', { name: 'cakes by look' }).waitFor({ state: 'attached' });
    assert.deepEqual((await served.api<WeightPresetsResponse>('weightPresets', {})).saved.map((preset) => preset.name), ['cakes by look'], 'saved in the database');
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('[role="gridcell"] img')];
      return images.length === 4 && images.every((img) => img.complete && img.naturalWidth > 0);
    });
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-06-substitutes');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-07-substitutes-1024');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Compare, on the process's own models: two texts, both text towers.
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const compare = page.getByRole('dialog', { name: 'Compare' });
    await compare.getByLabel('Text A').fill('a chocolate cake');
    await compare.getByLabel('Text B').fill('a sweet dessert');
    await compare.getByRole('button', { name: 'Compare', exact: true }).click();
    const scores = compare.getByRole('region', { name: 'Similarity' });
    await scores.waitFor();
    assert.deepEqual(await scores.locator('.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-space'))), ['clip', 'text']);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-08-compare');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-08b-compare-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');

    // Settings are the library's: a folder excluded there leaves the library (the next index, started at once).
    const privateFolder = path.join(photos, 'private');
    await writePhotos(privateFolder, 2, 'private', 100);
    assert.equal((await served.api<IndexSummary>('index', { paths: [photos] })).counts.done, 2);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('cell', { name: /^clip/ }).waitFor();
    assert.equal(await settings.getByLabel('dtype of clip').count(), 0, 'the models are the server\'s: no dtype to change here');
    assert.equal(await settings.getByLabel('Read the text in new photos after indexing').count(), 0);
    assert.equal(await settings.getByLabel('Find the faces in new photos after indexing').count(), 0);
    await settings.getByRole('button', { name: 'Exclude a folder…' }).click();
    await settings.getByLabel('Exclude a folder: path').fill(privateFolder);
    await settings.getByRole('button', { name: 'Add', exact: true }).click();
    await settings.getByText(privateFolder, { exact: true }).waitFor();
    for (let i = 0; (await served.api<{ items: { byKind: { photo: number } } }>('status', {})).items.byKind.photo !== 12; i++) {
      assert.ok(i < 300, 'the excluded photos leave the library');
      await page.waitForTimeout(100);
    }
    assert.deepEqual((await served.api<{ excludedFolders: string[] }>('settings', {})).excludedFolders, [privateFolder]);
    await page.getByText('12 photos', { exact: false }).first().waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-09-settings');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-10-settings-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Back to library' }).click();
    await page.getByRole('button', { name: 'Best of 2023', exact: true }).click();
    await page.getByTestId('result-count').filter({ hasText: /^3\s+matches/ }).waitFor();
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-04-library-1024');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Forgetting the folder asks first and is undone from the notice: the same photos, the same ids, back from the database.
    const before = await served.api<BrowseResponse>('browse', { kinds: ['photo'] });
    await page.getByRole('button', { name: `Forget ${photos}` }).click();
    const ask = page.getByRole('dialog', { name: 'Forget this folder?' });
    await ask.getByText('Semblance will forget 12 photos').waitFor();
    await ask.getByRole('button', { name: 'Forget folder' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Forgot Pictures: 12 photos left the library.' });
    await notice.waitFor();
    await page.getByTestId('forgotten-folders').getByText('Pictures', { exact: true }).waitFor();
    assert.equal((await served.api<BrowseResponse>('browse', { kinds: ['photo'] })).total, 0);
    // The album open on screen follows: its photos left with the folder.
    await page.getByTestId('result-count').filter({ hasText: /^0\s+matches/ }).waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'postgres-11-forgotten-with-undo');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-11b-forgotten-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await notice.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('status').filter({ hasText: 'Pictures is back: 12 photos' }).waitFor();
    assert.deepEqual(await served.api<BrowseResponse>('browse', { kinds: ['photo'] }), before, 'the same items, ids and order');
    await page.getByTestId('result-count').filter({ hasText: /^3\s+matches/ }).waitFor();
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'postgres-12-undone-1024');
    assert.deepEqual(pageErrors, []);
  },
);
