import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { colourPhoto } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { focused } from './accessibility.js';

/** Presses a key and checks the focus is still somewhere a key does something. */
async function press(page: Page, key: string, steps: string[]): Promise<string> {
  await page.keyboard.press(key);
  await page.waitForTimeout(60);
  const now = await focused(page);
  steps.push(`${key} → ${now}`);
  assert.notEqual(now, 'BODY', `the focus was lost to the page after ${steps.join('; ')}`);
  return now;
}

/** Tabs (forward, or back with Shift) until the focus is on what matches (at most 60 presses). */
async function tabTo(page: Page, what: RegExp, steps: string[], key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (what.test(await press(page, key, steps))) return;
  }
  assert.fail(`Tab never reached ${what}: ${steps.slice(-10).join('; ')}`);
}

test('the keyboard alone: add a folder (a typo first), search, open a result, find similar, move a weight, close everything', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  fs.mkdirSync(photos, { recursive: true });
  for (let i = 0; i < 4; i++) await colourPhoto(path.join(photos, `red-${i}.jpg`), [205, 35, 30], i);
  for (let i = 0; i < 4; i++) await colourPhoto(path.join(photos, `blue-${i}.jpg`), [35, 45, 205], 10 + i);
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  const { page, pageErrors } = await openApp(t, served, { width: 1024, height: 640 });
  await page.getByRole('heading', { name: 'Find your photos by what is in them' }).waitFor();
  const steps: string[] = [];

  // Add a folder: a mistyped path is refused by the field, what was typed stays to be mended.
  await tabTo(page, /^BUTTON Add folder…/, steps);
  await press(page, 'Enter', steps);
  const field = page.getByRole('textbox', { name: 'Add folder: path' });
  const typo = path.join(dir, 'Pictrues');
  await page.keyboard.type(typo);
  await press(page, 'Enter', steps);
  await page.getByRole('alert').filter({ hasText: `There is no folder ${typo}` }).waitFor();
  assert.equal(await field.inputValue(), typo, 'what was typed is still there');
  assert.match(await focused(page), /^INPUT Add folder: path/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(photos);
  await press(page, 'Enter', steps);
  await page.getByTestId('result-count').filter({ hasText: '8 items' }).waitFor({ timeout: 60_000 });

  // "/" to search; the arrow down goes to the results; Enter opens the detail pane.
  await page.locator('[role="grid"]').focus();
  assert.match(await press(page, '/', steps), /^INPUT Search/);
  await page.keyboard.type('red');
  await press(page, 'Enter', steps);
  await page.getByRole('heading', { name: '“red”' }).waitFor();
  assert.match(await press(page, 'ArrowDown', steps), /^DIV\[grid\]/);
  await press(page, 'ArrowRight', steps);
  await press(page, 'Enter', steps);
  await page.getByRole('complementary', { name: /Details/ }).waitFor();
  await screenshot(page, 'keyboard-01-detail-1024');

  // The menu key opens the context menu on the selected result; Esc gives the grid back.
  assert.match(await press(page, 'Shift+F10', steps), /^BUTTON\[menuitem\]/);
  assert.match(await press(page, 'Escape', steps), /^DIV\[grid\]/);
  await press(page, 'ArrowLeft', steps);
  await press(page, 'Shift+F10', steps);
  for (let i = 0; i < 8 && !/Find similar by look/.test(await focused(page)); i++) await press(page, 'ArrowDown', steps);
  assert.match(await focused(page), /Find similar by look/);
  await press(page, 'Enter', steps);
  await page.getByRole('heading', { name: /^Like red-\d\.jpg · by look$/ }).waitFor();

  // A weight moved with the arrows re-ranks, and the heading says whose weights they are now
  // (the weights sit above the results: back from the grid with Shift+Tab).
  await tabTo(page, /^INPUT Weight of colour/, steps, 'Shift+Tab');
  for (let i = 0; i < 4; i++) await press(page, 'ArrowRight', steps);
  await page.getByRole('heading', { name: /· by your weights$/ }).waitFor();
  assert.equal(await page.getByRole('slider', { name: 'Weight of colour' }).inputValue(), '0.2');
  await screenshot(page, 'keyboard-02-weights-1024');

  // Esc closes what is open, one thing at a time, and ends on the library with the grid focused.
  for (let i = 0; i < 4 && (await page.getByRole('heading', { name: 'Library', level: 1 }).count()) === 0; i++) await press(page, 'Escape', steps);
  await page.getByRole('heading', { name: 'Library', level: 1 }).waitFor();
  await page.waitForTimeout(100);
  assert.match(await focused(page), /^DIV\[grid\]/, steps.join('; '));
  assert.deepEqual(pageErrors, []);
});
