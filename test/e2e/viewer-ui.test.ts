import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('the viewer in Chromium: full window, zoom, next and previous, Esc back to the same place, EXIF, a bounded copy of a 30 MP photo', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 30);
  // A 30 MP photo with what a camera writes: make and model, lens, exposure, GPS.
  const big = path.join(photos, 'big-camera-photo.jpg');
  await sharp({ create: { width: 6000, height: 5000, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .withExif({
      IFD0: { Make: 'Semblance', Model: 'Test Camera 1' },
      IFD2: { ExposureTime: '1/250', FNumber: '28/10', LensModel: 'Fixture 35mm' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
    })
    .jpeg({ quality: 70 })
    .toFile(big);
  fs.utimesSync(big, new Date(2000, 0, 1), new Date(2000, 0, 1)); // the oldest: last in the grid
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '31 items' }).waitFor();

  // Scroll the grid down a little and pick a photo there; V opens it full window.
  const grid = page.getByRole('grid', { name: 'Results' });
  await grid.evaluate((element) => (element.scrollTop = 200));
  const scrolled = await grid.evaluate((element) => element.scrollTop);
  await page.locator('[role="gridcell"][data-index="12"]').click();
  await page.keyboard.press('v');
  const viewer = page.getByRole('dialog', { name: /^Viewer: / });
  await viewer.waitFor();
  await viewer.getByTestId('viewer-position').filter({ hasText: '13 of 31' }).waitFor();
  const picture = viewer.locator('img');
  await picture.waitFor();
  await page.waitForFunction(() => (document.querySelector('.viewer img') as HTMLImageElement | null)?.complete === true);

  // Zoom: the wheel, double-click, keys; 0 fits again.
  await picture.hover();
  await page.mouse.wheel(0, -400);
  const zoomed = Number((await viewer.getByTestId('viewer-zoom').textContent())?.replace('%', ''));
  assert.ok(zoomed > 150, `zoomed to ${zoomed}%`);
  await page.keyboard.press('0');
  await viewer.getByTestId('viewer-zoom').filter({ hasText: /^100%$/ }).waitFor();
  await picture.dblclick();
  assert.ok(Number((await viewer.getByTestId('viewer-zoom').textContent())?.replace('%', '')) >= 200);
  await picture.dblclick();
  await viewer.getByTestId('viewer-zoom').filter({ hasText: /^100%$/ }).waitFor();

  // Next and previous follow the grid's order.
  await page.keyboard.press('ArrowRight');
  await viewer.getByTestId('viewer-position').filter({ hasText: '14 of 31' }).waitFor();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await viewer.getByTestId('viewer-position').filter({ hasText: '12 of 31' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'viewer-01-photo');

  // Esc: back to the same place in the grid, the item shown last selected.
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  assert.equal(await grid.evaluate((element) => element.scrollTop), scrolled, 'the grid did not move');
  assert.equal(await page.locator('[role="gridcell"][aria-selected="true"]').getAttribute('data-index'), '11');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'grid');

  // The 30 MP photo: shown as a bounded copy, with what its camera wrote.
  await page.keyboard.press('End');
  await page.keyboard.press('v');
  await viewer.getByTestId('viewer-position').filter({ hasText: '31 of 31' }).waitFor();
  const info = viewer.getByRole('complementary', { name: 'Info' });
  await info.getByText('6,000 × 5,000').waitFor();
  await info.getByText('a 2560 × 2133 copy (the original is too large to show whole)').waitFor();
  await info.getByText('Semblance Test Camera 1').waitFor();
  await info.getByText('Fixture 35mm').waitFor();
  await info.getByText('1/250 s · ƒ/2.8').waitFor();
  await info.getByText('48.85833, 2.35000').waitFor();
  // Making the bounded copy decodes 30 MP once: on a busy two-core machine that can take a while.
  await page.waitForFunction(() => (document.querySelector('.viewer img') as HTMLImageElement | null)?.complete === true, undefined, { timeout: 90_000 });
  assert.equal(await picture.evaluate((image) => (image as HTMLImageElement).naturalWidth), 2560, 'never decoded at 30 MP in the page');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'viewer-02-big-photo-info');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'viewer-03-big-photo-1024');
  assert.deepEqual(pageErrors, []);
});
