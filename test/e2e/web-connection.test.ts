import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

test('web mode loses its server: one notice that says what to do; the address of the restarted server, pasted into the tab, brings it all back', { skip: chromiumMissing, timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  await writePhotos(photos, 6);
  const db = path.join(dir, 'data', 'library.db');
  const env = testModelEnv(path.join(dir, 'models'));
  const first = await serve(t, { db, env });
  await first.api<IndexSummary>('index', { paths: [photos] });
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(first.url);
  await page.getByTestId('result-count').filter({ hasText: '6 items' }).waitFor();

  // The server stops; the user goes on clicking. One notice says what happened and what to do.
  await first.stop();
  const lost = page.getByRole('alert').filter({ hasText: 'Semblance is not answering' });
  await lost.waitFor({ timeout: 15_000 });
  await page.getByRole('searchbox', { name: 'Search' }).fill('photo');
  await page.keyboard.press('Enter');
  // The grid still shows the library, and says it is not the answer to what is in the box.
  await page.getByText('The search could not run (Semblance is not answering): below are still the results for the library.').waitFor();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(3000);
  assert.equal(await page.getByRole('alert').count(), 1, `one notice: ${await page.getByRole('alert').allInnerTexts()}`);
  assert.match(await lost.innerText(), /Start it again and paste the address it prints into this tab/);
  assert.doesNotMatch(await page.locator('.notices').innerText(), /TypeError|Failed to fetch/);
  await screenshot(page, 'connection-01-lost');

  // Started again on the same port, with a new key: the page notices, and says to paste the address.
  const second = await serve(t, { db, env, port: first.port });
  await page.getByRole('alert').filter({ hasText: 'started again with a new key' }).waitFor({ timeout: 15_000 });
  // Pasting it changes only the fragment: the page takes the new key and starts afresh.
  await page.goto(second.url);
  await page.getByTestId('result-count').filter({ hasText: '6 items' }).waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the key leaves the address bar');
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('table').waitFor();
  assert.equal(await page.getByText('Loading…').count(), 0);
  await screenshot(page, 'connection-02-back');
  assert.deepEqual(pageErrors, []);
});
