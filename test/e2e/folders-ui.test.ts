import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { BrowseResponse, IndexSummary, StatusResponse } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('library folders in Chromium: a folder holding another merges into one entry; forgetting asks first and can be undone', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const pictures = path.join(dir, 'Pictures');
  const animals = path.join(pictures, 'animals');
  await writePhotos(pictures, 4, 'trip');
  await writePhotos(animals, 3, 'cat', 50);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  const { page, pageErrors } = await openApp(t, served);

  const addFolder = async (folder: string, total: number): Promise<void> => {
    await page.getByRole('button', { name: 'Add folder…' }).first().click();
    await page.getByLabel('Add folder: path').fill(folder);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('result-count').filter({ hasText: `${total} items` }).waitFor({ timeout: 60_000 });
  };
  const folders = page.getByRole('complementary', { name: 'Library' }).getByRole('list').first();
  await addFolder(animals, 3);
  await addFolder(pictures, 7);
  await folders.getByText('Pictures').waitFor();
  assert.deepEqual(await folders.getByRole('button', { name: /^Forget / }).count(), 1, 'one entry for the folder and the one inside it');
  await folders.getByText('7', { exact: true }).waitFor();

  // The folder tree: Pictures holds animals; a folder shows what lies in it and below.
  await folders.getByRole('button', { name: `Folders in ${pictures}` }).click();
  await folders.getByRole('button', { name: 'animals', exact: true }).click();
  await page.getByRole('heading', { name: 'Folder “animals”' }).waitFor();
  await page.getByTestId('result-count').filter({ hasText: '3 items' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'folders-00-folder-tree');
  await page.getByRole('button', { name: 'Back to library' }).click();
  await page.getByTestId('result-count').filter({ hasText: '7 items' }).waitFor();
  const before = await served.api<BrowseResponse>('browse', {});

  // Forgetting asks first, with what it takes out; Esc (or Cancel) keeps everything.
  await page.getByRole('button', { name: `Forget ${pictures}` }).click();
  const ask = page.getByRole('dialog', { name: 'Forget this folder?' });
  await ask.getByText('Semblance will forget 7 photos').waitFor();
  await ask.getByText('You can undo this for 24 hours').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'folders-01-forget-question');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'folders-02-forget-question-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('Escape');
  await ask.waitFor({ state: 'detached' });
  assert.equal((await served.api<StatusResponse>('status', {})).items.total, 7, 'nothing forgotten on Esc');

  // By keyboard alone: the × is reachable and the dialog's first button takes the focus.
  await page.getByRole('button', { name: `Forget ${pictures}` }).focus();
  await page.keyboard.press('Enter');
  await ask.getByRole('button', { name: 'Forget folder' }).click();
  // The library is empty again: the first-run page, with the undo at hand.
  await page.getByRole('heading', { name: 'Find your photos by what is in them' }).waitFor();
  const notice = page.getByRole('status').filter({ hasText: 'Forgot Pictures: 7 photos left the library.' });
  await notice.waitFor();
  await page.getByTestId('forgotten-folders').getByText('Pictures', { exact: true }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'folders-03-forgotten-with-undo');
  assert.equal((await served.api<StatusResponse>('status', {})).roots.length, 0);

  // Undo: the same items come back, nothing is embedded again.
  await notice.getByRole('button', { name: 'Undo' }).click();
  await page.getByTestId('result-count').filter({ hasText: '7 items' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Pictures is back: 7 photos' }).waitFor();
  assert.deepEqual(await served.api<BrowseResponse>('browse', {}), before, 'the same items, ids and order');
  const reindex = await served.api<IndexSummary>('index', {});
  assert.deepEqual([reindex.counts.done, reindex.counts.copied, reindex.counts.skipped], [0, 0, 7]);
  await screenshot(page, 'folders-04-undone');
  assert.deepEqual(pageErrors, []);
});
