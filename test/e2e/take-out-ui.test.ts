import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('taking results out in Chromium: pick several, copy them to a folder (a name clash gets " (2)"), export the list as CSV', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const files = await writePhotos(photos, 5);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const out = path.join(dir, 'Desktop', 'picked');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'photo-0003.jpg'), 'already here');

  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(served.url);

  // Filters alone: every photo, newest first.
  await page.getByLabel('Search', { exact: true }).fill(`kind:photo in:${photos}`);
  await page.keyboard.press('Enter');
  await page.getByTestId('result-count').filter({ hasText: '5 matches, newest first' }).waitFor();
  const cell = (name: string) => page.locator(`[role="gridcell"][data-name="${name}"]`);

  // Click, then ctrl-click and shift-click: the marked ones are selected.
  await cell('photo-0004.jpg').click();
  await cell('photo-0003.jpg').click({ modifiers: ['Control'] });
  await page.getByTestId('marked-count').filter({ hasText: '2 selected' }).waitFor();
  assert.equal(await page.locator('[role="gridcell"][aria-selected="true"]').count(), 2);
  await cell('photo-0001.jpg').click({ modifiers: ['Shift'] });
  await page.getByTestId('marked-count').filter({ hasText: '3 selected' }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('marked-count').waitFor({ state: 'detached' });
  // The keyboard: Ctrl+A marks every result; Space marks one.
  await page.getByRole('grid', { name: 'Results' }).focus();
  await page.keyboard.press('Control+a');
  await page.getByTestId('marked-count').filter({ hasText: '5 selected' }).waitFor();
  await page.keyboard.press('Escape');
  // A rubber band from the empty space below the row, up across three pictures.
  const from = await page.locator('[role="gridcell"][data-index="3"]').boundingBox();
  const to = await page.locator('[role="gridcell"][data-index="1"]').boundingBox();
  assert.ok(from && to);
  await page.mouse.move(from.x + from.width - 5, from.y + from.height + 40);
  await page.mouse.down();
  await page.mouse.move(to.x + 20, to.y + 20, { steps: 8 });
  await page.mouse.up();
  await page.getByTestId('marked-count').filter({ hasText: '3 selected' }).waitFor();
  assert.deepEqual(
    (await page.locator('[role="gridcell"].marked').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')))).sort(),
    ['photo-0001.jpg', 'photo-0002.jpg', 'photo-0003.jpg'],
  );
  await page.keyboard.press('Escape');
  await cell('photo-0003.jpg').click();
  await cell('photo-0002.jpg').click({ modifiers: ['Control'] });
  await page.getByTestId('marked-count').filter({ hasText: '2 selected' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'takeout-01-selected');

  // Copy to a folder that has a photo-0003.jpg already: it is kept, the copy is "photo-0003 (2).jpg".
  const bar = page.getByRole('toolbar', { name: 'Take results out' });
  await bar.getByRole('button', { name: 'Copy to folder…' }).click();
  await bar.getByLabel('Copy to folder: path').fill(out);
  await bar.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Copied 2 files to ${out} (1 under a new name: the name was taken).` }).waitFor();
  assert.deepEqual(fs.readdirSync(out).sort(), ['photo-0002.jpg', 'photo-0003 (2).jpg', 'photo-0003.jpg']);
  assert.equal(fs.readFileSync(path.join(out, 'photo-0003.jpg'), 'utf8'), 'already here');
  assert.deepEqual(fs.readFileSync(path.join(out, 'photo-0003 (2).jpg')), fs.readFileSync(files[3] as string));
  await screenshot(page, 'takeout-02-copied');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'takeout-03-copied-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Export the list: the marked ones, as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), bar.getByRole('button', { name: 'Export list (CSV)' }).click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'rank,id,kind,path,title,key,score,clip,visual,text,colour,printed');
  assert.deepEqual(
    csv.slice(1).map((line) => path.basename(line.split(',')[3] ?? '')),
    ['photo-0003.jpg', 'photo-0002.jpg'],
  );
  assert.deepEqual(pageErrors, []);
});
