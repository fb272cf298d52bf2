import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary, MapPointsResponse } from '../../preload/contract.js';
import { chromiumMissing, openApp, screenshot, serve } from '../helpers/browser.js';
import { BLUE, RED, colourPhoto } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('the map in Chromium: laid out from the sidebar, panned and zoomed (pictures appear), a point opens its item, a lasso around the red photos turns into "more like these", which finds red photos', { skip: chromiumMissing, timeout: 240_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  fs.mkdirSync(photos);
  const hues: Record<string, [number, number, number]> = { red: RED, green: [40, 170, 60], blue: BLUE };
  for (const [hue, rgb] of Object.entries(hues)) for (let i = 0; i < 8; i++) await colourPhoto(path.join(photos, `${hue}-${i}.jpg`), rgb, i * 3 + hue.length);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '24 items' }).waitFor();

  await page.getByRole('button', { name: 'Map of the library' }).click();
  const map = page.getByRole('region', { name: 'Map of the library' });
  await map.getByRole('button', { name: 'Lay out the map' }).click();
  await map.getByTestId('map-count').filter({ hasText: '24 items' }).waitFor({ timeout: 60_000 });
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'map-01-layout');

  // Where the red photos are on screen: the view fits the layout (90% of the stage) around its middle.
  const points = await served.api<MapPointsResponse>('mapPoints', { space: 'clip', details: true });
  const stage = page.getByRole('application');
  const box = (await stage.boundingBox()) as { x: number; y: number; width: number; height: number };
  const [minX, maxX, minY, maxY] = [Math.min(...points.x), Math.max(...points.x), Math.min(...points.y), Math.max(...points.y)];
  const scale = Math.min((box.width * 0.9) / (maxX - minX), (box.height * 0.9) / (maxY - minY));
  const screen = (i: number): [number, number] => [box.x + box.width / 2 + ((points.x[i] as number) - (minX + maxX) / 2) * scale, box.y + box.height / 2 - ((points.y[i] as number) - (minY + maxY) / 2) * scale];
  const reds = points.ids.map((_, i) => i).filter((i) => path.basename(points.items?.[i]?.path ?? '').startsWith('red-'));
  assert.equal(reds.length, 8);

  // Hover shows the photo's name; a click opens it beside the map.
  const [hx, hy] = screen(reds[0] as number);
  await page.mouse.move(hx, hy);
  await page.getByRole('tooltip').getByText(/^red-\d\.jpg$/).waitFor();
  await page.mouse.click(hx, hy);
  await page.getByRole('complementary', { name: 'Details' }).getByRole('heading', { name: /^red-\d\.jpg$/ }).waitFor();
  await screenshot(page, 'map-02-opened');
  await page.getByRole('button', { name: 'Close details (Esc)' }).click();

  // Names: each hue's cluster is named by its photos' file names at first (the built-in words
  // are not colours, which are all the test CLIP knows); the user's words name them by CLIP,
  // drawn on the map and listed to go to.
  const regionList = map.getByLabel('Go to a region');
  for (const hue of ['red', 'green', 'blue']) await regionList.locator('option', { hasText: new RegExp(`^${hue} \\(8\\)$`) }).waitFor({ state: 'attached' });
  await map.getByRole('button', { name: 'Names…' }).click();
  const names = map.getByRole('form', { name: 'Names of the clusters' });
  await names.getByLabel(/Name clusters with these words/).fill('crimson, lime, navy, gold');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'map-02a-names-panel');
  await names.getByRole('button', { name: 'Name them again' }).click();
  await names.waitFor({ state: 'detached' });
  for (const word of ['crimson', 'lime', 'navy']) await regionList.locator('option', { hasText: new RegExp(`^${word} \\(8\\)$`) }).waitFor({ state: 'attached' });
  // Coloured by cluster, the legend says each one's name.
  await map.getByLabel('Colour by').selectOption('cluster');
  await map.getByRole('list', { name: 'Legend' }).getByText('crimson', { exact: true }).waitFor();
  await screenshot(page, 'map-02b-names');
  // A click on a name chooses its cluster; a tag given to it names it instead, until undone.
  const named = await served.api<MapPointsResponse>('mapPoints', { space: 'clip' });
  const redCluster = named.clusters.find((c) => c.name === 'crimson') as MapPointsResponse['clusters'][number];
  const at = named.ids.findIndex((_, i) => named.x[i] === redCluster.x && named.y[i] === redCluster.y);
  // On the name, beside its point (a point under a name stays a point to click).
  const [nx, ny] = screen(points.ids.indexOf(named.ids[at] as number));
  const spots = [-24, 24, -16, 16].flatMap((dx) => [0, -3, 3].map((dy) => [nx + dx, ny + dy] as [number, number]));
  const clear = spots.find(([x, y]) => points.ids.every((_, i) => Math.hypot(screen(i)[0] - x, screen(i)[1] - y) > 10)) as [number, number];
  await page.mouse.click(...clear);
  const chosenRed = page.getByRole('toolbar', { name: 'Chosen on the map' });
  await chosenRed.getByText('8 chosen').waitFor();
  await chosenRed.getByLabel('Tag for the chosen items').fill('tomatoes');
  await chosenRed.getByRole('button', { name: 'Tag', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Tagged 8 items “tomatoes”' }).waitFor();
  await regionList.locator('option', { hasText: /^tomatoes \(8\)$/ }).waitFor({ state: 'attached' });
  await screenshot(page, 'map-02c-tagged');
  await page.getByRole('status').filter({ hasText: 'Tagged 8 items' }).getByRole('button', { name: 'Undo' }).click();
  await regionList.locator('option', { hasText: /^crimson \(8\)$/ }).waitFor({ state: 'attached' });
  // Going to a region from the list chooses it and zooms in on it (close enough for its pictures).
  await regionList.selectOption({ label: 'lime (8)' });
  await chosenRed.getByText('8 chosen').waitFor();
  await map.locator('img.thumb').first().waitFor();
  await chosenRed.getByRole('button', { name: 'Clear' }).click();
  await map.getByRole('button', { name: 'Fit' }).click();

  // A lasso around the red photos (the polygon of their screen positions, widened a little).
  const [cx, cy] = reds.map(screen).reduce(([sx, sy], [x, y]) => [sx + x / reds.length, sy + y / reds.length], [0, 0]);
  const hull = reds.map(screen).map(([x, y]) => [x + (x - cx) * 0.3 + Math.sign(x - cx) * 6, y + (y - cy) * 0.3 + Math.sign(y - cy) * 6] as [number, number]);
  const around = hull.sort((a, b) => Math.atan2(a[1] - cy, a[0] - cx) - Math.atan2(b[1] - cy, b[0] - cx));
  await map.getByRole('button', { name: 'Lasso' }).click();
  await page.mouse.move(...(around[0] as [number, number]));
  await page.mouse.down();
  for (const point of [...around, around[0] as [number, number]]) await page.mouse.move(point[0], point[1], { steps: 4 });
  await page.mouse.up();
  const chosen = page.getByRole('toolbar', { name: 'Chosen on the map' });
  await chosen.getByText('8 chosen').waitFor();
  // The chosen photos made into an album.
  await chosen.getByLabel('Album for the chosen items').fill('Reds');
  await chosen.getByRole('button', { name: 'Add to album' }).click();
  await page.getByRole('status').filter({ hasText: '8 items in “Reds”.' }).waitFor();
  await screenshot(page, 'map-03-lasso');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'map-04-lasso-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // "More like these": a query of the chosen photos' centroid; its relevant results are red photos.
  await chosen.getByRole('button', { name: 'More like these' }).click();
  await page.getByText(/^“like:[\d,]+”$/).waitFor();
  // The grid shows the results above the relevance cut-off: the red photos, and only them.
  await page.getByRole('gridcell').first().waitFor();
  const relevant = await page.locator('[role="gridcell"][data-name]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')));
  assert.ok(relevant.length >= 8 && relevant.every((n) => n?.startsWith('red-')), `the relevant results are red photos: ${relevant.join(', ')}`);

  // Back on the map, zooming in far enough shows the points as pictures; the keyboard pans, zooms and closes.
  await page.getByRole('button', { name: 'Map of the library' }).click();
  await map.getByTestId('map-count').filter({ hasText: '24 items' }).waitFor();
  await page.mouse.move(hx, hy);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -240);
  await map.locator('img.thumb').first().waitFor();
  await screenshot(page, 'map-05-zoomed');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.keyboard.press('0');
  await stage.focus();
  await page.keyboard.press('0');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'map-06-dark');
  await stage.focus();
  await page.keyboard.press('0');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('+');
  await page.keyboard.press('Escape');
  await page.getByRole('region', { name: 'Map of the library' }).waitFor({ state: 'detached' });
  assert.deepEqual(pageErrors, []);
});
