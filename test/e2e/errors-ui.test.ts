import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

test('errors in Chromium: every failed file, by reason with counts, page after page; fixed files heal on "Read them again"', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const [good] = await writePhotos(photos, 2);
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(photos, `empty-${i}.jpg`), '');
  const notes = Array.from({ length: 30 }, (_, i) => path.join(photos, `notes-${i}.jpg`));
  for (const file of notes) fs.writeFileSync(file, `not a photo ${file}`);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  const summary = await served.api<IndexSummary>('index', { paths: [photos] });
  assert.equal(summary.counts.failed, 130);

  const { page, pageErrors } = await openApp(t, served);
  await page.getByRole('button', { name: /130 could not be read/ }).click();
  const reasons = page.getByRole('list', { name: 'Reasons' });
  await reasons.getByRole('button', { name: /100\s+the file is empty/ }).waitFor();
  await reasons.getByRole('button', { name: /30\s+not an image format Semblance can read/ }).waitFor();
  await page.getByText('100 of 130 shown').waitFor();
  await screenshot(page, 'errors-01-by-reason');

  // the rest of them, then one reason only, with the keyboard
  await page.getByRole('button', { name: 'Show more' }).click();
  await page.getByText('130 of 130 shown').waitFor();
  await reasons.getByRole('button', { name: /30\s+not an image format/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('30 of 30 shown').waitFor();
  const files = page.getByRole('list', { name: 'Files that could not be read' });
  assert.equal(await files.getByRole('listitem').count(), 30);
  assert.equal(await files.getByText(/^empty-/).count(), 0);
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'errors-02-one-reason-1024');

  // The user replaces the notes with real photos: reading again heals them.
  for (const file of notes) fs.copyFileSync(good as string, file);
  await page.getByRole('button', { name: 'Read them again' }).click();
  await page.getByText('Read again: 30 fine now, 100 still cannot be read.').waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: /100 could not be read/ }).waitFor();
  await page.getByText('100 of 100 shown').waitFor(); // the healed reason is gone: all reasons again
  await screenshot(page, 'errors-03-healed-1024');
  assert.deepEqual(pageErrors, []);
});
