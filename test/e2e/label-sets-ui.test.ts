import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { colourPhoto } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

const RED: [number, number, number] = [205, 35, 30];
const BLUE: [number, number, number] = [35, 45, 205];

test('label sets in Chromium: a photo indexed later is tagged, an empty set says so, a set is re-run, renamed, deleted and undone', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  for (let i = 0; i < 3; i++) await colourPhoto(path.join(folder, `red-${i}.jpg`), RED, i);
  for (let i = 0; i < 3; i++) await colourPhoto(path.join(folder, `blue-${i}.jpg`), BLUE, 10 + i);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [folder] });
  const { page, pageErrors } = await openApp(t, served);
  const labels = page.getByRole('region', { name: 'Labels' });

  const newSet = async (name: string, list: string): Promise<void> => {
    await labels.getByRole('button', { name: 'New label set…' }).click();
    await labels.getByLabel('Label set name').fill(name);
    await labels.getByLabel('Labels, separated by commas').fill(list);
    await labels.getByRole('button', { name: 'Tag the library' }).click();
  };
  await newSet('colours', 'red, blue');
  await labels.getByRole('button', { name: 'red 3' }).waitFor();
  // A set nothing reaches: it stays, and says what to do.
  await labels.getByRole('button', { name: 'New label set…' }).click();
  await labels.getByLabel('Label set name').fill('pets');
  await labels.getByLabel('Labels, separated by commas').fill('cat, dog, car');
  await labels.getByLabel('Confidence threshold').fill('0.95');
  await labels.getByRole('button', { name: 'Tag the library' }).click();
  await labels.getByTestId('empty-label-set').filter({ hasText: 'Nothing above 95%: lower the threshold?' }).waitFor();

  // A red photo indexed later carries the tag as soon as its index is done.
  await colourPhoto(path.join(folder, 'red-new.jpg'), RED, 50);
  const summary = await served.api<IndexSummary>('index', {});
  assert.equal(summary.counts.done, 1);
  await labels.getByRole('button', { name: 'red 4' }).waitFor();
  await labels.getByRole('button', { name: 'red 4' }).click();
  await page.getByRole('heading', { name: 'Tagged “red”' }).waitFor();
  const cells = page.locator('[role="gridcell"]');
  await cells.nth(3).waitFor();
  const percents = await page.locator('[role="gridcell"] .score').allInnerTexts();
  assert.equal(percents.length, 4);
  assert.ok(percents.every((p) => /^\d+%$/.test(p)), percents.join());
  assert.deepEqual(
    percents.map((p) => Number(p.replace('%', ''))),
    percents.map((p) => Number(p.replace('%', ''))).sort((a, b) => b - a),
    'surest first',
  );
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'labels-01-tag-by-confidence');

  // Change…: rename, then a lower threshold applies it again.
  await labels.getByRole('button', { name: 'Change the label set pets' }).click();
  await labels.getByLabel('New name of pets').fill('things');
  await labels.getByLabel('Confidence threshold of pets').fill('0.3');
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'labels-02-change-set');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'labels-03-change-set-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await labels.getByRole('button', { name: 'Save and apply' }).click();
  await labels.getByText('things', { exact: true }).waitFor();
  await labels.getByTestId('empty-label-set').waitFor({ state: 'detached' });

  // Delete asks first, and Undo brings the same tags back.
  await labels.getByRole('button', { name: 'Change the label set colours' }).click();
  await labels.getByRole('button', { name: 'Delete…' }).click();
  await labels.getByRole('button', { name: 'Delete it and its tags' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Deleted the label set "colours" and its 7 tags.' });
  await notice.waitFor();
  await labels.getByRole('button', { name: 'red 4' }).waitFor({ state: 'detached' });
  await notice.getByRole('button', { name: 'Undo' }).click();
  await labels.getByRole('button', { name: 'red 4' }).waitFor();
  await labels.getByRole('button', { name: 'blue 3' }).waitFor();
  assert.deepEqual(pageErrors, []);
});
