import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, openApp, screenshot, serve } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('text in photos in Chromium: read from the sidebar, found with text: and by a plain query ("its text"), its words framed in the detail pane and the viewer, with Copy', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 3);
  const lines = ['CORNER MARKET', 'Milk 1.29', 'TOTAL 14.06'];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="220"><rect width="100%" height="100%" fill="#fbfaf5"/>${lines.map((l, i) => `<text x="30" y="${60 + i * 44}" font-family="DejaVu Sans, sans-serif" font-size="30" fill="#1d1d1d">${l}</text>`).join('')}</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toFile(path.join(photos, 'receipt.jpg'));
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '4 items' }).waitFor();

  await page.getByRole('button', { name: 'Read the text in photos' }).click();
  await page.getByRole('status').filter({ hasText: 'Read 1 picture: 1 with text, found by searches and text:"…". 3 showed no line of letters at a quick look.' }).waitFor({ timeout: 60_000 });
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('text:"total 14.06"');
  await search.press('Enter');
  await page.getByTestId('result-count').filter({ hasText: '1 match' }).waitFor();
  await page.locator('[role="gridcell"][data-name="receipt.jpg"]').dblclick();
  const text = page.getByRole('region', { name: 'Text in the picture' });
  await text.getByText('CORNER MARKET Milk 1.29 TOTAL 14.06').waitFor();
  // The words the search asked for are marked on the picture, where they were read.
  const marks = page.getByTestId('text-marks').locator('rect');
  for (const word of ['TOTAL', '14.06']) await page.getByTestId('text-marks').locator(`rect[data-word="${word}"]`).waitFor();
  assert.deepEqual((await marks.evaluateAll((rects) => rects.map((r) => r.getAttribute('data-word')))).sort(), ['14.06', 'TOTAL']);
  const [picture, mark] = [await page.getByRole('complementary', { name: 'Details' }).getByRole('img', { name: 'receipt.jpg' }).boundingBox(), await marks.last().boundingBox()];
  assert.ok(picture && mark && mark.x > picture.x && mark.y > picture.y + picture.height / 2 && mark.y + mark.height < picture.y + picture.height, `the mark ${JSON.stringify(mark)} lies on the picture's last line ${JSON.stringify(picture)}`);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'text-01-detail');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'text-02-detail-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // A plain query: the receipt prints both words, "its text" in why it matched (the test CLIP
  // model ranks the coloured photos first whatever the words: the ranking is tested in Node).
  await search.fill('corner market');
  await search.press('Enter');
  await page.getByText('“corner market”').waitFor();
  await page.locator('[role="gridcell"][data-name="receipt.jpg"]').dblclick();
  const why = page.getByRole('region', { name: 'Why it matched' });
  await why.getByText('its text', { exact: true }).waitFor();
  await why.getByText('Similar meaning and its text.').waitFor();
  for (const word of ['CORNER', 'MARKET']) await page.getByTestId('text-marks').locator(`rect[data-word="${word}"]`).waitFor();
  assert.deepEqual((await marks.evaluateAll((rects) => rects.map((r) => r.getAttribute('data-word')))).sort(), ['CORNER', 'MARKET']);
  await screenshot(page, 'text-03-plain-query');
  // The viewer frames them too, over the picture at its size, and shows the text with Copy.
  await page.keyboard.press('v');
  const viewer = page.getByRole('dialog');
  const viewerMarks = viewer.getByTestId('text-marks').locator('rect');
  await viewerMarks.first().waitFor();
  assert.equal(await viewerMarks.count(), 2);
  const shown = await viewer.getByRole('img', { name: 'receipt.jpg' }).boundingBox();
  const corner = await viewerMarks.first().boundingBox();
  assert.ok(shown && corner && corner.x >= shown.x && corner.y >= shown.y && corner.y + corner.height < shown.y + shown.height / 2, `CORNER ${JSON.stringify(corner)} is on the first line of ${JSON.stringify(shown)}`);
  await viewer.getByRole('region', { name: 'Text in the picture' }).getByRole('button', { name: 'Copy text' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'text-04-viewer');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'text-05-viewer-1024');
  assert.deepEqual(pageErrors, []);
});
