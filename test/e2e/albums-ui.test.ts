import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('albums in Chromium: pick photos into an album; a search saved as a smart album picks up a photo indexed later', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 4);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '4 items' }).waitFor();
  const albums = page.getByRole('region', { name: 'Albums' });
  await albums.getByText('No albums yet').waitFor();
  const cell = (name: string) => page.locator(`[role="gridcell"][data-name="${name}"]`);

  // Pick two photos and put them in a new album.
  await cell('photo-0001.jpg').click();
  await cell('photo-0002.jpg').click({ modifiers: ['Control'] });
  const bar = page.getByRole('toolbar', { name: 'Take results out' });
  await bar.getByRole('button', { name: 'Add to album…' }).click();
  await bar.getByLabel('Album name').fill('Trip');
  await bar.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('status').filter({ hasText: '2 items in “Trip”.' }).waitFor();
  await albums.getByRole('button', { name: 'Trip', exact: true }).click();
  await page.getByTestId('result-count').filter({ hasText: '2 matches' }).waitFor();
  assert.deepEqual((await page.locator('[role="gridcell"][data-index]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')))).sort(), ['photo-0001.jpg', 'photo-0002.jpg']);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'albums-01-album');

  // A search saved as a smart album: a photo indexed later is in it when it is opened again.
  await page.getByLabel('Search', { exact: true }).fill('kind:photo');
  await page.keyboard.press('Enter');
  await page.getByTestId('result-count').filter({ hasText: '4 matches' }).waitFor();
  await bar.getByRole('button', { name: 'Save as smart album…' }).click();
  await bar.getByLabel('Smart album name').fill('Every photo');
  await bar.getByRole('button', { name: 'Save', exact: true }).click();
  await albums.getByRole('button', { name: '✦ Every photo', exact: true }).waitFor();
  await writePhotos(photos, 5);
  assert.equal((await served.api<IndexSummary>('index', {})).counts.done, 1);
  await albums.getByRole('button', { name: '✦ Every photo', exact: true }).click();
  await page.getByTestId('result-count').filter({ hasText: '5 matches' }).waitFor();
  await screenshot(page, 'albums-02-smart-album');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'albums-03-smart-album-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // A weighted view kept as a smart album: look-alikes by colour of one photo.
  await page.locator('[role="gridcell"][data-name="photo-0002.jpg"]').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Find similar by colour' }).click();
  await page.getByRole('heading', { name: /^Like photo-0002\.jpg/ }).waitFor();
  await page.locator('[role="grid"][aria-busy="false"]').waitFor();
  const looked = await page.locator('[role="gridcell"][data-index]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')));
  await bar.getByRole('button', { name: 'Save as smart album…' }).click();
  await bar.getByLabel('Smart album name').fill('Colours of 2');
  await bar.getByRole('button', { name: 'Save', exact: true }).click();
  await albums.getByRole('button', { name: '✦ Colours of 2', exact: true }).click();
  await page.getByRole('heading', { name: 'Album “Colours of 2”' }).waitFor();
  await page.locator('[role="grid"][aria-busy="false"]').waitFor();
  assert.deepEqual(
    (await page.locator('[role="gridcell"][data-index]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')))).sort(),
    [...looked].sort(),
    'the album holds what the view found',
  );

  // Deleting asks first and keeps the photos; Undo brings the album back.
  await albums.getByRole('button', { name: 'Delete the album Trip…' }).click();
  await albums.getByRole('button', { name: 'Delete the album Trip (its items stay)' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Deleted the album “Trip” (its items stay in the library).' });
  await notice.getByRole('button', { name: 'Undo' }).click();
  await albums.getByRole('button', { name: 'Trip', exact: true }).waitFor();
  await albums.getByText('2', { exact: true }).waitFor();
  assert.deepEqual(pageErrors, []);
});
