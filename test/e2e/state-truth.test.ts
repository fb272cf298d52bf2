import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { colourPhoto } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

const RED: [number, number, number] = [205, 35, 30];

/** The header's numbers: "5 results · 16 more below relevance" → [5, 16]; "21 results" → [21, 0]. */
async function headerCounts(page: Page): Promise<[number, number]> {
  const text = (await page.getByTestId('result-count').innerText()).replace(/,/g, '');
  const match = /(\d+) results?(?:\s*· (\d+) more below relevance)?/.exec(text);
  assert.ok(match, `a count in "${text}"`);
  return [Number(match[1]), Number(match[2] ?? 0)];
}

/** Cells on screen that hold an item (the "more below" row's cell holds none). */
const itemCells = (page: Page): Promise<number> => page.locator('[role="gridcell"][data-index]').count();

test('the screen tells the truth: counts, a refresh after indexing, stale results marked, the look-alike view shows its source', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  fs.mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 5; i++) await colourPhoto(path.join(photos, `red-${i}.jpg`), RED, i);
  for (let i = 0; i < 15; i++) {
    const grey = 50 + i * 10;
    await colourPhoto(path.join(photos, `grey-${i}.jpg`), [grey, grey + 3, grey - 2], 100 + i);
  }
  // Two files that cannot be read: they are not photos of the library's count.
  fs.writeFileSync(path.join(photos, 'empty.jpg'), '');
  fs.writeFileSync(path.join(photos, 'notes.jpg'), 'not a photo');
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });

  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '20 items' }).waitFor();
  // 22 files, 2 unreadable: the library has 20 photos, and says so.
  await page.getByText('20 photos · 0 products').waitFor();
  await page.getByRole('button', { name: '2 could not be read' }).waitFor();

  // A search: the count shown is the cells shown, and with what is below the cut-off it is
  // every photo there is to rank.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('red');
  await search.press('Enter');
  await page.getByRole('heading', { name: '“red”' }).waitFor();
  const [shown, below] = await headerCounts(page);
  assert.equal(shown, await itemCells(page), 'the count is the cells above the cut-off');
  assert.equal(shown + below, 20, 'every photo that can be ranked is counted, once');

  // Indexing finishes while the search is on screen: the search is asked again, unasked.
  for (let i = 5; i < 10; i++) await colourPhoto(path.join(photos, `red-${i}.jpg`), RED, i);
  await served.api<IndexSummary>('index', { paths: [photos] });
  await page.waitForFunction(
    () => {
      const text = (document.querySelector('[data-testid="result-count"]')?.textContent ?? '').replace(/,/g, '');
      const m = /(\d+) results?(?:\s*· (\d+) more below relevance)?/.exec(text);
      return m !== null && Number(m[1]) + Number(m[2] ?? 0) === 25;
    },
    undefined,
    { timeout: 20_000 },
  );
  const names = await page.$$eval('[role="gridcell"][data-index]', (cells) => cells.map((c) => c.getAttribute('data-name')));
  assert.ok(names.some((n) => n === 'red-7.jpg'), `a new red photo is among the results: ${names.join(', ')}`);
  const [shownAfter] = await headerCounts(page);
  assert.equal(shownAfter, await itemCells(page));

  // "Show them": the results below the cut-off come, each marked as below it.
  await page.getByRole('button', { name: 'Show them' }).click();
  const firstBelow = page.locator(`[role="gridcell"][data-index="${shownAfter}"]`);
  assert.match((await firstBelow.getAttribute('aria-label')) ?? '', /, below the cut-off$/);
  await firstBelow.getByText('below the cut-off').waitFor();
  assert.doesNotMatch((await page.locator('[role="gridcell"][data-index="0"]').getAttribute('aria-label')) ?? '', /below/);
  await screenshot(page, 'truth-01-below-the-cut-off-shown');

  // A malformed query: the mistake is marked, and the results still on screen say whose they are.
  await search.fill('red after:someday');
  await search.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'after: takes a date' }).waitFor();
  await page.getByText('below are still the results for “red”').waitFor();
  await page.getByRole('grid', { name: 'Results for “red” (an earlier query)' }).waitFor();
  await screenshot(page, 'truth-02-stale-results');
  assert.deepEqual(await accessibilityViolations(page, { impacts: ['critical', 'serious'] }), []);
  // The box emptied: no error stays, and the library is back.
  await search.fill('');
  await page.getByTestId('result-count').filter({ hasText: '25 items' }).waitFor();
  assert.equal(await page.getByRole('alert').filter({ hasText: 'after: takes a date' }).count(), 0);
  assert.equal(await page.getByText('below are still the results').count(), 0);

  // Look-alikes of a photo picked further down: the view shows its source, the box holds no
  // query, and the first look-alike is the one selected.
  await search.fill('red');
  await search.press('Enter');
  await page.getByRole('heading', { name: '“red”' }).waitFor();
  const source = page.locator('[role="gridcell"][data-index="3"]');
  const sourceName = (await source.getAttribute('data-name')) as string;
  await source.click();
  await source.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Find similar by look' }).click();
  await page.getByRole('heading', { name: `Like ${sourceName} · by look` }).waitFor();
  assert.equal(await search.inputValue(), '', 'the box does not keep the last query');
  await page.getByRole('img', { name: `${sourceName}, the item these are like` }).waitFor();
  assert.equal(await page.locator('[role="gridcell"][aria-selected="true"]').getAttribute('data-index'), '0');
  // The heading and the preset menu name the weights alike; a photo has no words slider.
  const preset = page.getByRole('combobox', { name: 'Preset' });
  assert.equal(await preset.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent), 'look');
  assert.equal(await page.getByRole('slider', { name: 'Weight of words' }).count(), 0);
  await page.getByRole('slider', { name: 'Weight of colour' }).fill('0.5');
  await page.getByRole('heading', { name: `Like ${sourceName} · by your weights` }).waitFor();
  assert.equal(await preset.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent), 'your weights');
  await preset.selectOption('balanced');
  await page.getByRole('heading', { name: `Like ${sourceName} · by balanced` }).waitFor();
  const [similarShown, similarBelow] = await headerCounts(page);
  assert.equal(similarShown + similarBelow, 24, 'every photo but the source is ranked');
  await screenshot(page, 'truth-03-look-alikes-with-their-source');
  assert.deepEqual(pageErrors, []);
});
