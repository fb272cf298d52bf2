import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Engine } from '../../main/engine/engine.js';
import { SemblanceError } from '../../main/engine/errors.js';
import { swatchDescriptor } from '../../main/engine/embed/colour-descriptor.js';
import { exactDot } from '../../main/engine/vector/unit-vector.js';
import { libraryEngine } from '../helpers/library.js';
import { writeShopCatalog } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';

async function shop(t: { after(fn: () => unknown): void }): Promise<{ engine: Engine; dir: string; csv: string }> {
  const dir = tempDir(t);
  const csv = await writeShopCatalog(dir);
  const engine = libraryEngine(t, dir);
  return { engine, dir, csv };
}

const top = async (engine: Engine, product: string, preset: 'same-function' | 'same-look' | 'product-not-scene' | 'balanced', where?: string): Promise<string[]> =>
  (await engine.substitutes({ product, preset, k: 5, ...(where ? { where } : {}) })).results.map((r) => String((r as { title: string | null }).title));

test('a catalog imports with its columns guessed; presets rank substitutes the way their names promise', async (t) => {
  const { engine, csv } = await shop(t);
  const summary = await engine.importCatalog({ file: csv });
  assert.deepEqual([summary.catalog, summary.rows, summary.added, summary.problems.length], ['shop', 6, 6, 0]);
  // same-function: the toaster in another colour; same-look: the same red box that boils water.
  const sameFunction = (await engine.substitutes({ product: 'shop:T1', preset: 'same-function', k: 5 })).results;
  assert.equal(sameFunction[0]?.title, 'Toaster');
  assert.equal(path.basename(sameFunction[0]?.path ?? ''), 'toaster-blue.png', "a product's hit carries its picture");
  assert.notEqual(sameFunction[0]?.id, undefined);
  const sameLook = await engine.substitutes({ product: 'T1', preset: 'same-look', k: 5 });
  assert.equal(sameLook.results[0]?.title, 'Kettle');
  // product-not-scene: the basketball, not the person holding it; same-look picks the scene.
  const notScene = await engine.substitutes({ product: 'B1', preset: 'product-not-scene', k: 5 });
  assert.equal(notScene.results[0]?.title, 'Basketball');
  const lookOfScene = await engine.substitutes({ product: 'B1', preset: 'same-look', k: 5 });
  assert.equal(lookOfScene.results[0]?.title, 'Football');
  // Filters on fields: numbers compare as numbers, words without case.
  assert.deepEqual(await top(engine, 'T1', 'balanced', 'category = TOASTER and price <= 50'), ['Toaster']);
  assert.deepEqual(await top(engine, 'B1', 'balanced', 'price < 22'), ['Football']);
  // Products show up in searches and filters like photos.
  const products = await engine.search({ query: 'toaster kind:product', k: 3 });
  assert.ok(products.results.every((r) => r.kind === 'product'));
});

test('re-import updates changed rows only, adds new ones and removes the ones that left', async (t) => {
  const { engine, csv, dir } = await shop(t);
  await engine.importCatalog({ file: csv });
  const idOf = (key: string): number => engine.store.itemIdByCatalogKey(key) as number;
  const k1 = idOf('shop:K1');
  const t1Before = engine.store.readVectors('text', [idOf('shop:T1')]).get(idOf('shop:T1'));
  const lines = fs.readFileSync(csv, 'utf8').split('\n');
  const edited = lines
    .filter((line) => !line.startsWith('F1;'))
    .map((line) => (line.startsWith('K1;') ? 'K1;Kettle;boils water fast;kettle-red.png;red;kettle;35' : line));
  edited.splice(edited.length - 1, 0, 'N1;Toaster;sandwich toaster;toaster-red.png;red;toaster;55');
  fs.writeFileSync(csv, edited.join('\n'));
  const again = await engine.importCatalog({ file: csv });
  assert.deepEqual([again.added, again.updated, again.unchanged, again.removed], [1, 1, 4, 1]);
  assert.equal(idOf('shop:K1'), k1, 'an updated product keeps its id');
  assert.equal(engine.store.itemIdByCatalogKey('shop:F1'), undefined);
  assert.deepEqual(engine.store.readVectors('text', [idOf('shop:T1')]).get(idOf('shop:T1')), t1Before);
  // A second catalog lives beside the first.
  const other = path.join(dir, 'other.json');
  fs.writeFileSync(other, JSON.stringify([{ id: 'T1', title: 'Toaster oven', colour: 'black' }]));
  assert.equal((await engine.importCatalog({ file: other })).added, 1);
  assert.equal(engine.store.countItems().byKind.product, 7);
  await assert.rejects(engine.substitutes({ product: 'T1' }), /"T1" could be item #\d+, Toaster.* or item #\d+, Toaster.*: name the product by its catalog and key \(shop:T1 or other:T1\)/);
});

test('bad catalogs and rows: clear reasons, nothing lost that could be kept', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const write = (name: string, text: string | Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const fails = async (file: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(engine.importCatalog({ file }), (e: unknown) => e instanceof SemblanceError && pattern.test(e.message));
  };
  await fails(write('noid.csv', 'name,price\nToaster,3\n'), /no id column .*among: name, price/);
  await fails(write('latin1.csv', Buffer.from('id,name\n1,Cr\xe8me br\xfbl\xe9e\n', 'latin1')), /not UTF-8 text/);
  await fails(write('list.json', '{"not": "a list"}'), /expected an array of products/);
  await fails(path.join(dir, 'missing.csv'), /There is no catalog/);

  fs.writeFileSync(path.join(dir, 'broken.png'), 'not really a png');
  const rows = write(
    'rows.jsonl',
    [
      { id: 'a', name: 'Red toaster', image: 'gone.png', colour: 'red' },
      { id: 'b', name: 'Blue toaster', image: 'broken.png', colour: 'glorpish' },
      { id: 'c', name: 'Web toaster', image: 'https://example.com/t.png' },
      { id: 'd', name: 'Sneaky toaster', image: '../../../etc/passwd', colour: 'Navy Blue' },
      { id: 'a', name: 'Duplicate' },
      { name: 'No id at all' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  );
  const summary = await engine.importCatalog({ file: rows });
  assert.deepEqual([summary.added, summary.skipped], [4, 2]);
  const reasons = summary.problems.map((p) => `${p.line}: ${p.reason}`).join('\n');
  assert.match(reasons, /1: picture gone\.png not found next to the catalog; imported with its words and colour/);
  assert.match(reasons, /2: picture broken\.png: not an image format Semblance can read/);
  assert.match(reasons, /3: picture https:\/\/example\.com\/t\.png is a link; import with "fetch pictures" \(--fetch-images\) to download it/);
  assert.match(reasons, /4: picture \.\.\/\.\.\/\.\.\/etc\/passwd lies outside the catalog's folder; it was not opened/);
  assert.match(reasons, /5: duplicate id \(first on line 1\); row skipped/);
  assert.match(reasons, /6: no value in the id column "id"; row skipped/);
  // An unknown colour name is said once for the catalog, with its count; "Navy Blue" is known.
  assert.deepEqual(summary.warnings.filter((w) => /Colour names not known/.test(w)), ['Colour names not known, so those products\' colours come from their pictures: "glorpish" (1 row).']);
  const d = engine.store.itemIdByCatalogKey('rows:d') as number;
  const navy = swatchDescriptor('navy');
  const swatch = engine.store.readVectors('colour', [d]).get(d) as Float32Array;
  assert.ok(exactDot(swatch, navy) > 0.95, `Navy Blue has a navy swatch (cosine ${exactDot(swatch, navy).toFixed(3)})`);
  // The product without a usable image still has its words and its colour.
  const a = engine.store.itemIdByCatalogKey('rows:a') as number;
  assert.ok(engine.store.readVectors('text', [a]).has(a) && engine.store.readVectors('colour', [a]).has(a));
  assert.ok(!engine.store.readVectors('visual', [a]).has(a));
});

test('the demo catalog of five foods imports and finds substitutes', async (t) => {
  const engine = libraryEngine(t, tempDir(t));
  const summary = await engine.importCatalog({ demo: true });
  assert.deepEqual([summary.catalog, summary.added, summary.problems.length], ['demo', 5, 0]);
  const cakes = await engine.substitutes({ product: 'demo:1', preset: 'same-function', where: 'category = cake' });
  assert.deepEqual(cakes.results.map((r) => r.title), ['Red velvet cake']);
});

test('a 100,000-row catalog streams row by row, with line numbers for messages', async (t) => {
  const { readCatalog } = await import('../../main/engine/catalog/read-catalog.js');
  const dir = tempDir(t);
  const file = path.join(dir, 'big.csv');
  const stream = fs.createWriteStream(file);
  stream.write('sku;name;price\n');
  for (let i = 0; i < 100_000; i++) stream.write(`${i};"Product ${i}, model ${i % 7}";${(i % 100) + 0.5}\n`);
  await new Promise((resolve) => stream.end(resolve));
  let rows = 0;
  let last: unknown;
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for await (const row of readCatalog(file)) {
    rows++;
    last = row;
    if (rows % 10_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  assert.equal(rows, 100_000);
  // Values are kept as the file wrote them: text, never cast.
  assert.deepEqual(last, { kind: 'row', line: 100_001, values: { sku: '99999', name: 'Product 99999, model 4', price: '99.5' } });
  t.diagnostic(`heap growth while reading 100k rows: ${((heapPeak - heapBefore) / 2 ** 20).toFixed(1)} MB`);
});

test('a YAML (or JSON) mapping file names the columns the guess cannot', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const csv = path.join(dir, 'odd.csv');
  fs.writeFileSync(csv, 'artikel,bezeichnung,farbe\nX1,Toaster,red\nX2,Kettle,blue\n');
  await assert.rejects(engine.importCatalog({ file: csv }), /no id column/);
  const mapping = path.join(dir, 'mapping.yaml');
  fs.writeFileSync(mapping, 'id: artikel\nname: bezeichnung\ncolour: farbe\ntext: [bezeichnung]\n');
  const summary = await engine.importCatalog({ file: csv, mappingFile: mapping });
  assert.equal(summary.added, 2);
  const x1 = engine.store.itemIdByCatalogKey('odd:X1') as number;
  assert.equal(engine.store.getItems([x1]).get(x1)?.title, 'Toaster');
  assert.ok(engine.store.readVectors('colour', [x1]).has(x1), 'the swatch column was used');
});

test("columns named like Semblance's own bookkeeping (catalog, rowHash, catalogFolder, id keyed by sku) keep the user's values", async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const csv = path.join(dir, 'clash.csv');
  fs.writeFileSync(
    csv,
    'sku,name,catalog,rowHash,catalogFolder,id,imageError\n' +
      'S1,Toaster,spring 2024,my-hash-1,aisle 3,legacy-17,none\n' +
      'S2,Kettle,autumn 2023,my-hash-2,aisle 5,legacy-18,none\n',
  );
  // Both sku and id could be the key: this catalog's key is sku, so its mapping says so.
  const summary = await engine.importCatalog({ file: csv, name: 'shop', mapping: { id: 'sku' } });
  assert.deepEqual([summary.added, summary.problems.length], [2, 0]);
  const detail = await engine.item({ id: engine.store.itemIdByCatalogKey('shop:S1') as number });
  assert.deepEqual(detail.fields, { name: 'Toaster', catalog: 'spring 2024', rowHash: 'my-hash-1', catalogFolder: 'aisle 3', id: 'legacy-17', imageError: 'none' });
  assert.equal(detail.catalog, 'shop', "Semblance's own catalog name is kept apart");
  // Filters read the user's columns, and a re-import sees the rows unchanged (its hash is its own).
  const kettle = await engine.substitutes({ product: 'shop:S1', preset: 'same-function', where: [{ field: 'catalog', op: '=', value: 'autumn 2023' }] });
  assert.deepEqual(kettle.results.map((r) => r.title), ['Kettle']);
  // Re-imported without a mapping, the one saved with the catalog is used again.
  const again = await engine.importCatalog({ file: csv, name: 'shop' });
  assert.equal(again.mapping.id, 'sku');
  assert.deepEqual([again.unchanged, again.updated], [2, 0]);
});

test('substitutes take structured conditions: a value with spaces needs no quoting', async (t) => {
  const { engine, csv, dir } = await shop(t);
  fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('K1;Kettle;boils water;kettle-red.png;red;kettle;30', 'K1;Kettle;boils water;kettle-red.png;red;stainless steel;30'));
  assert.ok(dir);
  await engine.importCatalog({ file: csv });
  const steel = await engine.substitutes({ product: 'shop:T1', preset: 'same-function', where: [{ field: 'category', op: '=', value: 'Stainless Steel' }] });
  assert.deepEqual(steel.results.map((r) => r.title), ['Kettle']);
  // Typed as text, a value with spaces needs no quotes either; a wrong one says where.
  const typed = await engine.substitutes({ product: 'shop:T1', preset: 'same-function', where: 'category = stainless steel' });
  assert.deepEqual(typed.results.map((r) => r.title), ['Kettle']);
  await assert.rejects(engine.substitutes({ product: 'shop:T1', where: 'category = steel and price <= cheap' }), (error: SemblanceError) => error.at === 'category = steel and price <= '.length);
});
