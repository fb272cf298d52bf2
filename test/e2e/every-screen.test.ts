import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CatalogImportSummary, IndexSummary } from '../../preload/contract.js';
import { chromiumMissing, launchChromium, screenshot, serve } from '../helpers/browser.js';
import { colourPhoto } from '../helpers/library.js';
import { writeShopCatalog } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations, hoverContrast, textContrast } from './accessibility.js';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 640 },
] as const;

/**
 * One screen as the user has it now: axe finds no critical or serious fault at either size,
 * and a screenshot of each size is kept in test-results/ to be looked at.
 */
async function checkScreen(page: Page, name: string, faults: string[]): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await screenshot(page, `screen-${name}-${size.width}`);
    for (const fault of await accessibilityViolations(page, { impacts: ['critical', 'serious'], bestPractice: true })) faults.push(`${name} at ${size.width}: ${fault}`);
  }
  await page.setViewportSize(SIZES[0]);
}

test('every screen, light and dark, at 1440x900 and 1024x640: no critical or serious axe fault; text stays readable under the pointer and with the focus', { skip: chromiumMissing, timeout: 240_000 }, async (t) => {
  const dir = tempDir(t);
  const photos = path.join(dir, 'Pictures');
  fs.mkdirSync(photos, { recursive: true });
  const palette: Record<string, [number, number, number]> = { red: [205, 35, 30], green: [40, 190, 50], blue: [35, 45, 205] };
  for (const [name, rgb] of Object.entries(palette)) for (let i = 0; i < 5; i++) await colourPhoto(path.join(photos, `${name}-${i}.jpg`), rgb, i + name.length * 10);
  fs.writeFileSync(path.join(photos, 'empty.jpg'), '');
  // A copy, so the Duplicates view has a group to show.
  fs.copyFileSync(path.join(photos, 'red-0.jpg'), path.join(photos, 'red-0 copy.jpg'));
  const csv = await writeShopCatalog(path.join(dir, 'shop'));
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  const browser = await launchChromium(t);
  const page = await browser.newPage({ viewport: SIZES[0], colorScheme: 'light' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 400/.test(message.text())) pageErrors.push(message.text());
  });
  const faults: string[] = [];
  const contrast: string[] = [];
  const readable = async (what: string, ratio: Promise<number>): Promise<void> => {
    const value = await ratio;
    if (value < 4.5) contrast.push(`${what}: ${value.toFixed(2)}:1`);
  };

  await page.goto(served.url);
  await page.getByRole('heading', { name: 'Find your photos by what is in them' }).waitFor();
  await checkScreen(page, '01-empty', faults);
  const addFolder = page.getByRole('main').getByRole('button', { name: 'Add folder…' });
  await readable('the primary button "Add folder…" under the pointer', hoverContrast(page, addFolder));
  await addFolder.focus();
  await readable('the primary button "Add folder…" with the focus', textContrast(addFolder));

  await served.api<IndexSummary>('index', { paths: [photos] });
  await served.api<CatalogImportSummary>('importCatalog', { file: csv });
  await page.getByTestId('result-count').filter({ hasText: '22 items' }).waitFor({ timeout: 30_000 });
  await checkScreen(page, '02-library', faults);
  await readable('"Back to library"-style buttons under the pointer', hoverContrast(page, page.getByRole('button', { name: 'Settings' })));

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('red');
  await search.press('Enter');
  await page.getByRole('heading', { name: '“red”' }).waitFor();
  await checkScreen(page, '03-search-with-cut-off', faults);
  await page.getByRole('button', { name: 'Show them' }).click();
  await checkScreen(page, '04-below-the-cut-off-shown', faults);

  await search.fill('red colour:notacolour');
  await search.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'colour: takes a colour name' }).waitFor();
  await checkScreen(page, '05-malformed-query', faults);
  await search.fill('red');
  await search.press('Enter');
  await page.getByText('below are still the results').waitFor({ state: 'detached' });

  await page.locator('[role="gridcell"][data-index="0"]').dblclick();
  await page.getByRole('complementary', { name: 'Details' }).waitFor();
  await checkScreen(page, '06-detail', faults);

  await page.keyboard.press('v');
  await page.getByRole('dialog', { name: /^Viewer: / }).waitFor();
  await checkScreen(page, '07-viewer', faults);
  await page.keyboard.press('Escape');

  await page.locator('[role="gridcell"][data-index="1"]').click({ button: 'right' });
  const menuItem = page.getByRole('menuitem', { name: 'Find similar by look' });
  await menuItem.focus();
  await readable('a context menu item with the focus', textContrast(menuItem));
  await checkScreen(page, '08-context-menu', faults);
  await menuItem.click();
  await page.getByRole('heading', { name: /^Like .* · by look$/ }).waitFor();
  await checkScreen(page, '09-look-alikes-and-weights', faults);

  await page.getByRole('button', { name: 'Back to library' }).click();
  await page.getByRole('button', { name: /Browse 6 products/ }).click();
  await page.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
  await checkScreen(page, '10-products', faults);
  await page.locator('[role="gridcell"][data-name="Kettle"]').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Find substitutes' }).click();
  await page.getByRole('heading', { name: /^Substitutes for Kettle/ }).waitFor();
  await page.getByRole('slider', { name: 'Weight of words' }).waitFor();
  await checkScreen(page, '11-substitutes', faults);

  await page.getByRole('button', { name: 'New label set…' }).click();
  await checkScreen(page, '12-new-label-set', faults);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: '1 could not be read' }).click();
  await checkScreen(page, '13-could-not-be-read', faults);

  await page.getByRole('button', { name: 'Find duplicates' }).click();
  await page.getByRole('region', { name: /^Group 1 of / }).waitFor();
  await checkScreen(page, '13-duplicates', faults);
  await readable('a chosen tier under the pointer', hoverContrast(page, page.locator('button[aria-pressed="true"]').first()));
  await page.getByRole('button', { name: 'Back to the library' }).click();

  // The windows, each opened from its button, checked, and closed with Esc.
  const windows: { opener: string | RegExp; title: string; screen: string; withTable?: boolean }[] = [
    { opener: 'Compare', title: 'Compare', screen: '14-compare' },
    { opener: 'Settings', title: 'Settings', screen: '15-settings', withTable: true },
    { opener: /^Forget .*Pictures$/, title: 'Forget this folder?', screen: '16-forget-folder' },
  ];
  const hovered: string[] = [];
  for (const { opener, title, screen, withTable } of windows) {
    await page.getByRole('button', { name: opener }).first().click();
    const window = page.getByRole('dialog', { name: title });
    await (withTable ? window.getByRole('table') : window).waitFor(); // Settings: once its models are read
    await checkScreen(page, screen, faults);
    // Every window with a primary button has it checked under the pointer (Compare's at least).
    const primary = window.locator('button.primary').first();
    if ((await primary.count()) > 0) {
      await readable(`the primary button of "${title}" under the pointer`, hoverContrast(page, primary));
      hovered.push(title);
    }
    await page.keyboard.press('Escape');
    await window.waitFor({ state: 'detached' });
  }

  assert.ok(hovered.includes('Compare'), `primary buttons checked under the pointer in: ${hovered.join(', ')}`);

  await page.getByRole('button', { name: 'Hide the sidebar' }).click();
  await checkScreen(page, '17-sidebar-hidden', faults);
  await page.getByRole('button', { name: 'Show the sidebar' }).click();

  // The dark theme, on the screens with the most colour.
  while (!/now dark/.test((await page.getByRole('button', { name: /^Switch theme/ }).getAttribute('aria-label')) ?? '')) {
    await page.getByRole('button', { name: /^Switch theme/ }).click();
  }
  await search.fill('red');
  await search.press('Enter');
  await page.getByRole('heading', { name: '“red”' }).waitFor();
  await checkScreen(page, '18-dark-search', faults);
  await page.locator('[role="gridcell"][data-index="0"]').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Find similar by colour' }).click();
  await page.getByRole('heading', { name: /^Like .* · by colour$/ }).waitFor();
  await checkScreen(page, '19-dark-weights', faults);
  await readable('a primary button under the pointer (dark)', hoverContrast(page, page.getByRole('button', { name: 'Save as preset…' })));
  await page.getByRole('button', { name: 'Settings' }).click();
  await checkScreen(page, '20-dark-settings', faults);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Find duplicates' }).click();
  await page.getByRole('region', { name: /^Group 1 of / }).waitFor();
  await checkScreen(page, '21-dark-duplicates', faults);
  await readable('a chosen tier under the pointer (dark)', hoverContrast(page, page.locator('button[aria-pressed="true"]').first()));

  assert.deepEqual(faults, []);
  assert.deepEqual(contrast, [], 'text under the pointer or with the focus is readable (4.5:1)');
  assert.deepEqual(pageErrors, []);
});
