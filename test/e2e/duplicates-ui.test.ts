import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, openApp, screenshot, serve } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations, focused } from './accessibility.js';

test('duplicates in Chromium: a group side by side with its keeper, the others to a trash the test provides and back with Undo, "Not duplicates" remembered; by keyboard too', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const originals = await writePhotos(photos, 5, 'photo', 0, { width: 320, height: 240 });
  for (const original of originals.slice(0, 2)) {
    const { name } = path.parse(original);
    await sharp(original).jpeg({ quality: 60 }).toFile(path.join(photos, `${name}-resaved.jpg`));
    await sharp(original).resize(160).jpeg({ quality: 90 }).toFile(path.join(photos, `${name}-small.jpg`));
  }
  // The freedesktop.org trash under a home the test owns: never the user's real trash.
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const trash = path.join(home, '.local', 'share', 'Trash', 'files');
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: { ...testModelEnv(path.join(dir, 'models')), HOME: home, XDG_DATA_HOME: path.join(home, '.local', 'share') } });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '9 items' }).waitFor();

  await page.getByRole('button', { name: 'Find duplicates' }).click();
  const view = page.getByRole('region', { name: 'Duplicates' });
  await view.getByRole('button', { name: 'Same photo 2', exact: true }).waitFor();
  assert.equal(await view.getByRole('button', { name: 'Same photo 2', exact: true }).getAttribute('aria-pressed'), 'true');
  const list = view.getByRole('list', { name: 'Same photo groups' });
  assert.equal(await list.getByRole('listitem').count(), 2);
  const group = view.getByRole('region', { name: 'Group 1 of 2' });
  // Side by side: the keeper is the full-size, least compressed one, and says why; the facts of each file.
  await group.getByText(/Keep photo-0000\.jpg — the (largest|least compressed)/).waitFor();
  const keeper = group.getByRole('article', { name: 'photo-0000.jpg' });
  assert.equal(await keeper.getByRole('radio').isChecked(), true);
  await keeper.getByText('320 × 240').waitFor();
  await group.getByRole('article', { name: 'photo-0000-small.jpg' }).getByText('160 × 120').waitFor();
  await keeper.getByText(/^\d[\d,]*( \(sharpest\))?$/).waitFor();
  await keeper.getByText('no EXIF · no GPS').waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'duplicates-01-group');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'duplicates-02-group-1024');
  await page.setViewportSize({ width: 1440, height: 900 });

  // The others to the trash: asked first, then gone from the library and in the test's trash; Undo brings them back.
  await group.getByRole('button', { name: 'Move the other 2 to the trash…' }).click();
  const ask = page.getByRole('dialog', { name: 'Move these 2 photos to the trash?' });
  await ask.getByText(path.join(photos, 'photo-0000-small.jpg')).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'duplicates-03-ask');
  await ask.getByRole('button', { name: 'Move to the trash' }).click();
  const moved = page.getByRole('status').filter({ hasText: 'Moved 2 photos to the trash.' });
  await moved.waitFor();
  await view.getByRole('button', { name: 'Same photo 1', exact: true }).waitFor();
  assert.equal(fs.readdirSync(trash).length, 2);
  assert.ok(!fs.existsSync(path.join(photos, 'photo-0000-small.jpg')));
  await moved.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').filter({ hasText: '2 photos are back where they were.' }).waitFor();
  await view.getByRole('button', { name: 'Same photo 2', exact: true }).waitFor();
  assert.equal(fs.readdirSync(trash).length, 0);
  assert.ok(fs.existsSync(path.join(photos, 'photo-0000-small.jpg')));

  // By keyboard: the second group, another keeper, "Not duplicates": remembered after a re-index.
  await list.getByRole('button').first().focus();
  await page.keyboard.press('ArrowDown');
  await view.getByRole('region', { name: 'Group 2 of 2' }).waitFor();
  assert.match(await focused(page), /photo-0001/);
  const second = view.getByRole('region', { name: 'Group 2 of 2' });
  await second.getByRole('article', { name: 'photo-0001-small.jpg' }).getByRole('radio').check();
  await second.getByText('Keep photo-0001-small.jpg — your choice.').waitFor();
  await second.getByRole('button', { name: 'Not duplicates' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: 'Kept apart: these 3 photos will not be shown as duplicates again.' }).waitFor();
  await view.getByRole('button', { name: 'Same photo 1', exact: true }).waitFor();
  await served.api('checkDuplicates', {});
  assert.equal((await served.api<{ groups: unknown[] }>('duplicates', { tiers: ['same-photo'] })).groups.length, 1, 'the dismissed group stays apart after a whole-library check');
  await screenshot(page, 'duplicates-04-dismissed');

  // Escape goes back to the library.
  await page.keyboard.press('Escape');
  await page.getByTestId('result-count').filter({ hasText: '9 items' }).waitFor();
  assert.deepEqual(pageErrors, []);
});
