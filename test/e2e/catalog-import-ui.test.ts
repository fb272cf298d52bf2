import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromiumMissing, screenshot, serve, openApp } from '../helpers/browser.js';
import { accessibilityViolations } from './accessibility.js';
import { picture } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

/** A fashion export as real shops write them: camelCase compound names, a file name column, a link, two broken rows. */
async function fashionExport(dir: string): Promise<string> {
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true });
  const rows = [
    ['15970', 'Men', 'Apparel', 'Shirts', 'Navy Blue', 'Turtle Check Men Navy Blue Shirt', '#14205a'],
    ['39386', 'Men', 'Apparel', 'Jeans', 'Blue', 'Peter England Men Party Blue Jeans', '#2050c0'],
    ['21379', 'Men', 'Apparel', 'Shirts', 'Red', 'Roadster Men Red Casual Shirt', '#c81e1e'],
    ['53759', 'Women', 'Accessories', 'Watches', 'Cream', 'Titan Women Cream Dial Watch', '#f3e9c6'],
  ];
  for (const [id, , , , , , hex] of rows) await picture(path.join(dir, 'images', `${id}.jpg`), 'box', hex as string);
  const lines = [
    'id,gender,masterCategory,articleType,baseColour,productDisplayName,filename,link',
    ...rows.map(([id, gender, master, type, colour, name]) => `${id},${gender},${master},${type},${colour},${name},images/${id}.jpg,http://img.example/${id}.jpg`),
    '59263,Women,Accessories,Watches,Silver,Titan Women Silver, Gold and Steel Watch,images/59263.jpg,http://img.example/59263.jpg',
    '1855,Men,Apparel,Tshirts,Grey,Puma Men Grey, Black and White T-shirt,images/1855.jpg,http://img.example/1855.jpg',
  ];
  const file = path.join(dir, 'styles.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('catalog import in Chromium: the first rows with a role per column, the report of rows that could not be read, filters by role', { skip: chromiumMissing, timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const csv = await fashionExport(path.join(dir, 'shop'));
  const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
  const { page, pageErrors } = await openApp(t, served);

  await page.getByRole('button', { name: 'Import catalog…' }).click();
  await page.getByLabel('Import catalog: path').fill(csv);
  await page.keyboard.press('Enter');
  const window = page.getByRole('dialog', { name: 'Import catalog' });
  await window.getByRole('cell', { name: 'Turtle Check Men Navy Blue Shirt' }).waitFor();
  const role = (column: string) => window.getByLabel(`Role of the column ${column}`);
  assert.deepEqual(
    await Promise.all(['id', 'productDisplayName', 'filename', 'baseColour', 'articleType', 'link'].map((c) => role(c).inputValue())),
    ['id', 'name', 'image', 'colour', 'category', ''],
  );
  assert.equal(await window.getByLabel('Search the words of link').isChecked(), false, 'a link is never product text');
  assert.equal(await window.getByLabel('Search the words of productDisplayName').isChecked(), true);
  await window.getByText(/Among the first rows, 2 cannot be read \(line 6: 9 fields where the header has 8/).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'catalog-01-import-window');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'catalog-02-import-window-1024');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await accessibilityViolations(page), [], 'the dark theme too');
  await screenshot(page, 'catalog-02-import-window-1024-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1440, height: 900 });

  // One column per role: giving category to masterCategory takes it from articleType; then back, by keyboard.
  await role('masterCategory').selectOption('category');
  assert.equal(await role('articleType').inputValue(), '');
  await role('articleType').focus();
  await role('articleType').selectOption('category');
  assert.equal(await role('masterCategory').inputValue(), '');
  // Without an id the import cannot start, and says why.
  await role('id').selectOption('');
  await window.getByRole('alert').filter({ hasText: 'Choose the column that names each product once' }).waitFor();
  assert.equal(await window.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true);
  await role('id').selectOption('id');
  await window.getByRole('button', { name: 'Import', exact: true }).click();

  // The report: what came in, the columns used, each row that could not be read with its text.
  const report = page.getByRole('dialog', { name: 'Catalog “styles”' });
  await report.getByText(/4 products imported \(4 new, 0 updated, 0 unchanged\); 2 rows could not be read/).waitFor({ timeout: 60_000 });
  await report.getByText('59263,Women,Accessories,Watches,Silver,Titan Women Silver, Gold and Steel Watch,images/59263.jpg,http://img.example/59263.jpg').waitFor();
  await report.getByText(/Line 7/).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'catalog-03-report');
  await page.setViewportSize({ width: 1024, height: 640 });
  await screenshot(page, 'catalog-04-report-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('Escape');
  await report.waitFor({ state: 'detached' });

  // The sidebar keeps the catalog's count and what its import could not read; the report opens again.
  await page.getByRole('button', { name: '2 rows could not be read' }).click();
  await report.getByText(/Line 6/).waitFor();
  await report.getByRole('button', { name: 'Browse products' }).click();
  await page.getByTestId('result-count').filter({ hasText: '4 items' }).waitFor();

  // Imported again, the window starts from the columns chosen last time; the extra fields of the
  // two broken rows are given to the name, and they import too.
  await page.getByRole('button', { name: 'Import catalog…' }).click();
  await page.getByLabel('Import catalog: path').fill(csv);
  await page.keyboard.press('Enter');
  await window.getByText(/columns as at its last import/).waitFor();
  await window.getByLabel('Rows with more fields than the header').selectOption('productDisplayName');
  await window.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByTestId('result-count').filter({ hasText: '6 items' }).waitFor({ timeout: 60_000 });
  await page.locator('[role="gridcell"][data-name="Titan Women Silver, Gold and Steel Watch"]').waitFor();
  // Their pictures are not in the folder: the report says so, once per reason, with the lines.
  await report.getByText(/2 new, 0 updated, 4 unchanged/).waitFor();
  await report.getByText(/Line 6 picture images\/59263\.jpg not found next to the catalog; imported with its words and colour/).waitFor();
  await report.getByRole('button', { name: 'Close', exact: true }).click();

  // Substitutes filtered by the category box: "category" is the column the mapping chose (articleType).
  await page.locator('[role="gridcell"][data-name="Turtle Check Men Navy Blue Shirt"]').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Find substitutes' }).click();
  await page.getByLabel('Category').fill('Shirts');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('[role="gridcell"][data-index]')].map((c) => c.getAttribute('data-name')).join() === 'Roadster Men Red Casual Shirt');
  await screenshot(page, 'catalog-05-substitutes-by-role');
  // A price that is not a number is said, not silently dropped.
  await page.getByLabel('Maximum price').fill('cheap');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('alert').filter({ hasText: '“cheap” is not a price' }).waitFor();
  assert.deepEqual(await accessibilityViolations(page), []);
  await screenshot(page, 'catalog-06-price-not-a-number');
  assert.deepEqual(pageErrors, []);
});
