import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { IndexSummary, TimelineResponse } from '../../preload/contract.js';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

test('the library as a timeline in Chromium: months newest first, a scrubber that jumps to a month, unreadable files kept out of the grid', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  const files = await writePhotos(photos, 24);
  // Two photos a month, from January 2022 to December 2022 (file times: these have no EXIF date).
  files.forEach((file, i) => {
    const when = new Date(2022, Math.floor(i / 2), 10 + (i % 2));
    fs.utimesSync(file, when, when);
  });
  fs.writeFileSync(path.join(photos, 'broken.jpg'), 'not a picture at all');
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  await served.api<IndexSummary>('index', { paths: [photos] });
  const timeline = await served.api<TimelineResponse>('timeline', { statuses: ['ok', 'offline'] });
  assert.deepEqual([timeline.total, timeline.months.length, timeline.months[0]], [24, 12, { month: '2022-12', count: 2, offset: 0 }]);

  const { page, pageErrors } = await openApp(t, served);
  await page.getByTestId('result-count').filter({ hasText: '24 items' }).waitFor();
  assert.equal(await page.locator('[role="gridcell"][data-name="broken.jpg"]').count(), 0, 'the unreadable file is in its own list, not in the grid');

  // Each month starts with its name; the scrubber lists the year and its months.
  const scrubber = page.getByRole('navigation', { name: 'Timeline' });
  await scrubber.getByRole('button', { name: '2022', exact: true }).waitFor();
  const dec = new Date(2022, 11, 1).toLocaleDateString('en-US', { month: 'short', year: 'numeric' });
  assert.equal(await page.locator('[role="gridcell"][data-index="0"] .month-start').textContent(), dec);
  assert.equal(await page.locator('[role="gridcell"][data-index="1"] .month-start').count(), 0);

  // A click on March selects March's first photo (the newest of that month) and brings it into view.
  const march = new Date(2022, 2, 1).toLocaleDateString('en-US', { month: 'short' });
  await scrubber.getByRole('button', { name: new RegExp(`^${march} 2022: 2$`) }).click();
  const selected = page.locator('[role="gridcell"][aria-selected="true"]');
  await selected.waitFor();
  assert.equal(await selected.getAttribute('data-index'), String(timeline.months.find((m) => m.month === '2022-03')?.offset));
  assert.equal(await selected.getAttribute('data-name'), 'photo-0005.jpg');
  assert.equal(await scrubber.locator('[aria-current="date"]').textContent(), march);
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'timeline-01-march');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'timeline-02-march-1024');
  assert.deepEqual(pageErrors, []);
});
