import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatPrintedMapping } from '../../main/cli/format-search.js';
import type { Engine } from '../../main/engine/engine.js';
import { SemblanceError } from '../../main/engine/errors.js';
import { PictureFetcher, type FetchLimits, type FetchedPicture } from '../../main/engine/catalog/fetch-pictures.js';
import { libraryEngine } from '../helpers/library.js';
import { picture } from '../helpers/shop-catalog.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

type T = { after(fn: () => unknown): void };

function write(dir: string, name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** What a product became: its title, its words, its fields by role. */
function product(engine: Engine, key: string): { id: number; title: string | null; hasVisual: boolean } {
  const id = engine.store.itemIdByCatalogKey(key);
  assert.ok(id !== undefined, `${key} was imported`);
  return { id, title: engine.store.getItems([id]).get(id)?.title ?? null, hasVisual: engine.store.readVectors('visual', [id]).has(id) };
}

/** Each link's answer, fetched by one PictureFetcher as an import does. */
async function fetchAll(urls: string[], dir: string, signal: AbortSignal, limits: FetchLimits): Promise<Map<string, FetchedPicture>> {
  const fetcher = new PictureFetcher(dir, signal, limits);
  return new Map(await Promise.all(urls.map(async (url) => [url, await fetcher.get(url)] as const)));
}

/** A local picture server: /p/<colour>.png pictures, and the ways real servers go wrong. */
async function pictureServer(t: T, dir: string): Promise<{ base: string; hits: Map<string, number> }> {
  await picture(path.join(dir, 'red.png'), 'box', '#c81e1e');
  await picture(path.join(dir, 'navy.png'), 'box', '#14205a');
  const hits = new Map<string, number>();
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    open.add(res);
    res.on('close', () => open.delete(res));
    const png = /^\/p\/(\w+)\.png/.exec(url);
    if (png) {
      const file = path.join(dir, `${png[1]}.png`);
      if (!fs.existsSync(file)) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png' }).end(fs.readFileSync(file));
    } else if (url.startsWith('/hang')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(Buffer.alloc(10)); // then nothing, ever
    } else if (url.startsWith('/loop')) {
      res.writeHead(302, { location: `/loop${Number(url.slice(5) || 0) + 1}` }).end();
    } else if (url.startsWith('/huge')) {
      // Two gigabytes, announced, then streamed for as long as anyone reads.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(1 << 20, 7);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    } else if (url.startsWith('/page')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>Product page</body></html>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

test('a CSV with unquoted commas in some rows imports every good row and lists each bad one; a mapping can mend them', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const csv = write(
    dir,
    'fashion.csv',
    [
      'id,gender,articleType,baseColour,productDisplayName,year',
      '15970,Men,Shirts,Navy Blue,Turtle Check Men Navy Blue Shirt,2011',
      '39386,Men,Jeans,Blue,Peter England Men Party Blue Jeans,2012',
      '59263,Women,Watches,Silver,Titan Women Silver, Gold and Steel Watch,2016',
      '21379,Men,Track Pants,Black,Manchester United Men Solid Black Track Pants,2011',
      '53759,Men,Tshirts,Grey,Puma Men Grey, Black and White T-shirt,2012',
      '1855,Men,Tshirts,Grey Melange,Inkfruit Mens Chain Reaction T-shirt,2011',
    ].join('\n'),
  );
  const summary = await engine.importCatalog({ file: csv });
  assert.deepEqual([summary.rows, summary.added, summary.unreadable.length], [6, 4, 2]);
  assert.deepEqual(
    summary.unreadable.map((u) => [u.line, u.reason]),
    [
      [4, '7 fields where the header has 6 (an unquoted comma in a field?)'],
      [6, '7 fields where the header has 6 (an unquoted comma in a field?)'],
    ],
  );
  assert.equal(summary.unreadable[0]?.raw, '59263,Women,Watches,Silver,Titan Women Silver, Gold and Steel Watch,2016');
  assert.equal(product(engine, 'fashion:15970').title, 'Turtle Check Men Navy Blue Shirt');
  assert.equal(engine.store.itemIdByCatalogKey('fashion:59263'), undefined, 'a misfit row is not guessed at');
  // The user says where the extra fields belong: the same file then imports whole.
  const mended = await engine.importCatalog({ file: csv, mapping: { overflow: 'productDisplayName' } });
  assert.deepEqual([mended.added, mended.unchanged, mended.unreadable.length], [2, 4, 0]);
  assert.equal(product(engine, 'fashion:59263').title, 'Titan Women Silver, Gold and Steel Watch');
  const watch = await engine.item({ id: product(engine, 'fashion:59263').id });
  assert.equal(watch.fields['year'], '2016');
});

test('real export shapes: columns guessed by their names, links and paths never in the words', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const { base } = await pictureServer(t, dir);
  fs.mkdirSync(path.join(dir, 'images'));
  await picture(path.join(dir, 'images', '15970.jpg'), 'box', '#14205a');
  await picture(path.join(dir, 'images', '39386.jpg'), 'box', '#2050c0');
  // A Kaggle-style fashion set: camelCase compound names, a file name column and a link column.
  const camel = write(
    dir,
    'styles.csv',
    'id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName,filename,link\n' +
      `15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt,images/15970.jpg,${base}/p/navy.png\n` +
      `39386,Men,Apparel,Bottomwear,Jeans,Blue,Summer,2012,Casual,Peter England Men Party Blue Jeans,images/39386.jpg,${base}/p/navy.png\n`,
  );
  const fashion = await engine.importCatalog({ file: camel });
  assert.deepEqual(
    [fashion.mapping.id, fashion.mapping.name, fashion.mapping.image, fashion.mapping.colour, fashion.mapping.category, fashion.mapping.price],
    ['id', 'productDisplayName', 'filename', 'baseColour', 'articleType', null],
  );
  assert.ok(!fashion.mapping.text.includes('filename') && !fashion.mapping.text.includes('link'), `no link in the words: ${fashion.mapping.text.join(', ')}`);
  assert.ok(product(engine, 'styles:15970').hasVisual);
  assert.deepEqual(fashion.warnings, [], 'name, picture and colour were all found');

  // A Shopify product export: Handle, Title, Body (HTML), Option1 = Color, Image Src links, variant rows.
  const shopify = write(
    dir,
    'products_export.csv',
    'Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Compare At Price,Image Src,Image Position,Image Alt Text\n' +
      `red-kettle,Red Kettle,"<p>Boils <strong>water</strong> fast</p>",Acme,Home & Garden > Kitchen,Kettles,"kitchen, red",true,Color,Red,K-1,$34.90,$40.00,${base}/p/red.png,1,A red kettle\n` +
      `red-kettle,,,,,,,,,,K-1b,$34.90,,${base}/p/navy.png,2,\n` +
      `navy-toaster,Navy Toaster,<p>Two slots</p>,Acme,Home & Garden > Kitchen,Toasters,kitchen,true,Color,Navy,T-1,$45.00,,${base}/p/navy.png,1,A navy toaster\n`,
  );
  const shop = await engine.importCatalog({ file: shopify, name: 'shop', fetchImages: true });
  assert.equal(shop.mapping.format, 'Shopify product CSV');
  assert.deepEqual(
    [shop.mapping.id, shop.mapping.name, shop.mapping.image, shop.mapping.colour, shop.mapping.category, shop.mapping.price, shop.mapping.brand],
    ['Handle', 'Title', 'Image Src', 'Option1 Value', 'Type', 'Variant Price', 'Vendor'],
  );
  assert.deepEqual([shop.added, shop.problems.length], [2, 0]);
  assert.deepEqual(shop.pictures, { fetched: 2, cached: 0, failed: 0 });
  assert.deepEqual(shop.mapping.text, ['Title', 'Type', 'Vendor', 'Body (HTML)', 'Product Category', 'Tags', 'Image Alt Text'], 'no flags, option labels or links in the words');
  assert.match(shop.warnings.join('\n'), /1 rows repeat a product's id without a name/);
  assert.ok(product(engine, 'shop:red-kettle').hasVisual, 'the fetched picture was embedded');
  const kettle = await engine.item({ id: product(engine, 'shop:red-kettle').id });
  assert.equal(kettle.fields['Variant Price'], '$34.90', 'values are kept as the file wrote them');
  // The fetched picture is served like a picture beside the catalog.
  assert.ok(engine.originalFile(kettle.id), 'a fetched picture can be opened');
  // Prices compare as numbers ("$34.90"), by role, whatever the column is called.
  const cheap = await engine.substitutes({ product: 'shop:navy-toaster', preset: 'same-function', where: 'price < 40' });
  assert.deepEqual(cheap.results.map((r) => r.key), ['shop:red-kettle']);

  // A Google Merchant Center feed, as TSV and as XML.
  const tsv = write(
    dir,
    'merchant.tsv',
    'id\ttitle\tdescription\tlink\timage_link\tprice\tbrand\tcolor\tproduct_type\tgoogle_product_category\n' +
      `G-1\tSteel Kettle 1.7 L\tA kettle in brushed steel\thttps://shop.example/kettle\t${base}/p/red.png\t29.99 USD\tAcme\tSilver\tHome > Kitchen > Kettles\t1234\n`,
  );
  const merchant = await engine.importCatalog({ file: tsv });
  assert.equal(merchant.mapping.format, 'Google Merchant Center feed');
  assert.deepEqual(
    [merchant.mapping.name, merchant.mapping.image, merchant.mapping.colour, merchant.mapping.category, merchant.mapping.price],
    ['title', 'image_link', 'color', 'product_type', 'price'],
  );
  assert.ok(!merchant.mapping.text.includes('link') && !merchant.mapping.text.includes('image_link'));
  assert.match(merchant.problems[0]?.reason ?? '', /is a link; import with "fetch pictures"/);
  const xml = write(
    dir,
    'feed.xml',
    `<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0" version="2.0"><channel><title>Shop</title>
      <item><g:id>X-007</g:id><g:title>Navy Toaster</g:title><g:description>Two slots</g:description><g:link>https://shop.example/t</g:link>
        <g:image_link>${base}/p/navy.png</g:image_link><g:price>45.00 EUR</g:price><g:color>Navy</g:color><g:product_type>Kitchen &gt; Toasters</g:product_type></item>
      <item><g:id>X-7</g:id><g:title>Red Kettle</g:title><g:image_link>${base}/p/red.png</g:image_link><g:price>34.90 EUR</g:price><g:color>Red</g:color></item>
    </channel></rss>`,
  );
  const feed = await engine.importCatalog({ file: xml, fetchImages: true });
  assert.deepEqual([feed.mapping.format, feed.added, feed.pictures?.cached], ['Google Merchant Center feed', 2, 2]);
  assert.equal(product(engine, 'feed:X-007').title, 'Navy Toaster');
});

test('the printed mapping round-trips: edited and given back, it is the one used', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const csv = write(dir, 'odd.csv', 'Artikelnummer,Bezeichnung,Farbe,Warengruppe,Preis\nA1,Toaster,red,Küche,39\nA2,Kettle,blue,Küche,30\n');
  // German names: nothing is guessed, and the preview says what is missing instead of failing.
  const preview = await engine.previewCatalog({ file: csv });
  assert.equal(preview.mapping.id, '');
  assert.match(preview.warnings.join('\n'), /No id column/);
  await assert.rejects(engine.importCatalog({ file: csv }), /no id column/);
  const printed = formatPrintedMapping(preview);
  const edited = JSON.parse(printed) as Record<string, unknown>;
  Object.assign(edited, { id: 'Artikelnummer', name: 'Bezeichnung', colour: 'Farbe', category: 'Warengruppe', price: 'Preis' });
  const file = write(dir, 'mapping.json', JSON.stringify(edited, null, 2));
  const summary = await engine.importCatalog({ file: csv, mappingFile: file });
  assert.deepEqual(
    [summary.mapping.id, summary.mapping.name, summary.mapping.colour, summary.mapping.category, summary.mapping.price],
    ['Artikelnummer', 'Bezeichnung', 'Farbe', 'Warengruppe', 'Preis'],
  );
  // The printed mapping of the imported catalog is the saved one, unchanged by a second round.
  const again = await engine.previewCatalog({ file: csv });
  assert.equal(again.source, 'saved');
  const { format: _a, ...first } = summary.mapping;
  const { format: _b, ...second } = again.mapping;
  assert.deepEqual(second, first);
  assert.deepEqual((await engine.substitutes({ product: 'odd:A1', preset: 'same-function', where: 'category = küche and price <= 30' })).results.map((r) => r.key), ['odd:A2']);
  // A mapping that names a column the file lacks says which columns it has.
  const bad = write(dir, 'bad.json', '{"id": "sku"}');
  await assert.rejects(engine.importCatalog({ file: csv, mappingFile: bad }), /id column "sku" is not in the catalog \(its columns: Artikelnummer, Bezeichnung/);
  await assert.rejects(engine.importCatalog({ file: csv, mappingFile: write(dir, 'typo.json', '{"colur": "Farbe"}') }), /colur/);
});

test('ids that cannot be confused: keys are kept as written, a bare number that is two things is refused', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const a = write(dir, 'a.csv', 'id,name,zip\n007,Seven with zeros,08123\n7,Seven,08124\n00123,Leading zeros,1\n12345678901234567890,Twenty digits,2\n');
  const summary = await engine.importCatalog({ file: a });
  assert.deepEqual([summary.added, summary.skipped], [4, 0]);
  for (const key of ['a:007', 'a:7', 'a:00123', 'a:12345678901234567890']) assert.ok(engine.store.itemIdByCatalogKey(key), `${key} kept as written`);
  assert.equal((await engine.item({ id: product(engine, 'a:007').id })).fields['zip'], '08123');
  // Text conditions compare text as written: 007 is not 7.
  const sevens = await engine.substitutes({ product: 'a:00123', preset: 'same-function', where: 'id = 007' });
  assert.deepEqual(sevens.results.map((r) => r.key), ['a:007']);
  // A second catalog whose key "1" is also item #1 (a product of the first catalog).
  const b = write(dir, 'b.csv', 'id,name\n1,Kettle\n2,Toaster\n');
  await engine.importCatalog({ file: b });
  const first = engine.store.itemIdByCatalogKey('a:007');
  assert.equal(first, 1);
  await assert.rejects(
    engine.substitutes({ product: '1' }),
    (e: unknown) => e instanceof SemblanceError && /"1" could be item #1, Seven with zeros \(a:007\) or item #\d+, Kettle \(b:1\): name the product by its catalog and key \(a:007 or b:1\)/.test(e.message),
  );
  // Named by catalog and key, or by id from the UI, there is no doubt.
  assert.equal((await engine.substitutes({ product: 'b:1', preset: 'same-function' })).product.key, 'b:1');
  assert.equal((await engine.substitutes({ product: 1, preset: 'same-function' })).product.key, 'a:007');
  // Outputs name products by name and key.
  const hit = (await engine.substitutes({ product: 'b:1', preset: 'same-function', k: 1 })).results[0];
  assert.equal(typeof hit?.key, 'string');
});

test('filters mean what the user sees: roles, multi-word values, or, in, !=, numbers only where numbers are compared', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const csv = write(
    dir,
    'kitchen.csv',
    'sku,productDisplayName,articleType,baseColour,Variant Price,Vendor\n' +
      'K1,Kettle,stainless steel,Silver,$29.90,Acme\n' +
      'K2,Kettle,plastic,Red,19.50,Acme\n' +
      'T1,Toaster,stainless steel,Navy Blue,45,Smith & Sons\n' +
      'T2,Toaster,plastic,Cream,n/a,Smith & Sons\n' +
      'M1,Mug,ceramic,Red,8,Other\n',
  );
  await engine.importCatalog({ file: csv });
  const keys = async (where: string): Promise<string[]> => (await engine.substitutes({ product: 'kitchen:M1', preset: 'same-function', where, k: 10 })).results.map((r) => r.key as string).sort();
  assert.deepEqual(await keys('category = stainless steel'), ['kitchen:K1', 'kitchen:T1']);
  assert.deepEqual(await keys('colour = navy blue or colour = cream'), ['kitchen:T1', 'kitchen:T2']);
  assert.deepEqual(await keys('color in (red, "Navy Blue")'), ['kitchen:K2', 'kitchen:T1']);
  assert.deepEqual(await keys('brand = Smith & Sons and category != plastic'), ['kitchen:T1']);
  assert.deepEqual(await keys('price <= 30'), ['kitchen:K1', 'kitchen:K2']);
  assert.deepEqual(await keys('category = plastic and price > 10 or name = toaster and price >= 45'), ['kitchen:K2', 'kitchen:T1']);
  assert.deepEqual(await keys('"Variant Price" < 20'), ['kitchen:K2']);
  assert.deepEqual(await keys('variant price < 20 and VENDOR = acme'), ['kitchen:K2'], 'a column is found whatever its case');
  await assert.rejects(keys('price <= abc'), (e: unknown) => e instanceof SemblanceError && /<= compares numbers, and "abc" is not one/.test(e.message) && e.at === 'price <= '.length);
  await assert.rejects(keys('categroy = plastic'), /No field "categroy": use a role \(id, name, colour, category, price, brand, description\) or a catalog's column \(.*articleType/);
  // The UI sends the same conditions as data, and a word where a number belongs is refused there too.
  const structured = await engine.substitutes({ product: 'kitchen:M1', preset: 'same-function', where: [{ any: [[{ field: 'colour', op: '=', value: 'red' }], [{ field: 'price', op: '>', value: 40 }]] }] });
  assert.deepEqual(structured.results.map((r) => r.key).sort(), ['kitchen:K2', 'kitchen:T1']);
  const { dispatch } = await import('../../main/engine/dispatch.js');
  const refused = await dispatch(engine, 'substitutes', { product: 'kitchen:M1', where: [{ field: 'price', op: '<=', value: 'abc' }] });
  assert.ok(!refused.ok && /compare numbers/.test(refused.error.message));
});

test('values kept as written, whole files checked, limits that say so', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  // csv-spectrum's location_coordinates.csv: a quote inside an unquoted field.
  const quotes = write(dir, 'coords.csv', 'Contact Employee Name,Employee Phone,Location Coordinates\nJohn Doe,555-5555,"28.0°N, 81.3°W"\nJane Doe,555-5556,28°0\'11"N\n');
  const read = await engine.importCatalog({ file: quotes, mapping: { id: 'Contact Employee Name' } });
  assert.deepEqual([read.added, read.unreadable.length], [2, 0]);
  assert.equal((await engine.item({ id: product(engine, 'coords:Jane Doe').id })).fields['Location Coordinates'], '28°0\'11"N');
  // A Latin-1 row after the first megabyte: the whole file is refused before anything is imported.
  const rows = ['id,name', ...Array.from({ length: 20_000 }, (_, i) => `${i},Product number ${i} with a longer name`)];
  const latin = Buffer.concat([Buffer.from(rows.join('\n') + '\n'), Buffer.from('20000,Cr\xe8me\n', 'latin1')]);
  assert.ok(latin.length > 256 * 1024);
  await assert.rejects(engine.importCatalog({ file: write(dir, 'late-latin1.csv', latin) }), /not UTF-8 text \(line 20002 is perhaps Latin-1/);
  await assert.rejects(engine.previewCatalog({ file: path.join(dir, 'late-latin1.csv') }), /not UTF-8 text \(line 20002/, 'the import window says so before columns are chosen');
  assert.equal(engine.store.catalogItems('late-latin1').size, 0, 'nothing was imported');
  // A 50 MB field: refused with words, quickly, the rows before it kept.
  const big = path.join(dir, 'big.csv');
  fs.writeFileSync(big, 'id,name,notes\n1,Kettle,fine\n2,Toaster,"');
  fs.appendFileSync(big, Buffer.alloc(50 * 2 ** 20, 'a'));
  fs.appendFileSync(big, '"\n3,Mug,fine\n');
  const started = performance.now();
  const summary = await engine.importCatalog({ file: big });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(summary.added, 1);
  assert.match(summary.stopped?.reason ?? '', /a row of more than 1 MB/);
  assert.equal(summary.stopped?.line, 3);
  assert.ok(seconds < 20, `a 50 MB field is given up on in ${seconds.toFixed(1)} s`);
  t.diagnostic(`50 MB field refused in ${seconds.toFixed(2)} s, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`);
});

test('picture links: fetched in parallel with limits; a server that hangs, redirects forever, sends 2 GB or sends HTML fails that row only', async (t) => {
  const dir = tempDir(t);
  const { base, hits } = await pictureServer(t, dir);
  const cache = path.join(dir, 'cache');
  const limits = { concurrency: 4, timeoutMs: 1500, maxBytes: 5 * 2 ** 20, maxRedirects: 5 };
  const urls = [`${base}/p/red.png`, `${base}/hang`, `${base}/loop`, `${base}/huge`, `${base}/page`, `${base}/p/missing.png`, 'ftp://example.com/a.png'];
  const started = performance.now();
  const results = await fetchAll(urls, cache, new AbortController().signal, limits);
  const seconds = (performance.now() - started) / 1000;
  const reasons = Object.fromEntries([...results].map(([url, r]) => [url.replace(base, ''), r.ok ? 'ok' : r.reason]));
  assert.deepEqual(reasons, {
    '/p/red.png': 'ok',
    '/hang': 'no whole answer within 2 s',
    '/loop': 'more than 5 redirects',
    '/huge': 'the picture is over the 5 MB limit',
    '/page': 'the server sent text/html, not a picture',
    '/p/missing.png': 'the server answered 404 Not Found',
    'ftp://example.com/a.png': 'ftp links are not fetched, only http and https',
  });
  assert.ok(seconds < 10, `all answered in ${seconds.toFixed(1)} s`);
  assert.equal(hits.get('/loop5'), 1, 'the sixth redirect was not followed');
  assert.deepEqual(fs.readdirSync(cache).filter((f) => !f.endsWith('.png')), [], 'no partial file is left behind');
  // Resumable: what came once is not fetched again.
  const again = await fetchAll([`${base}/p/red.png`], cache, new AbortController().signal, limits);
  assert.deepEqual([again.get(`${base}/p/red.png`)?.ok, hits.get('/p/red.png')], [true, 1]);
  // Cancelled: what is in flight stops at once.
  const controller = new AbortController();
  const pending = fetchAll([`${base}/hang`, `${base}/hang?2`], cache, controller.signal, { ...limits, timeoutMs: 60_000 });
  setTimeout(() => controller.abort(), 200);
  const cancelled = await pending;
  assert.deepEqual([...cancelled.values()].map((r) => (r.ok ? 'ok' : r.reason)), ['cancelled', 'cancelled']);
  t.diagnostic(`7 links answered in ${seconds.toFixed(2)} s`);
});

test('the command line: the mapping printed, edited and passed back; products named by name and key; status and the report list what could not be read', async (t) => {
  const dir = tempDir(t);
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const db = path.join(dir, 'library.db');
  const run = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin, '--db', db, ...args], { encoding: 'utf8', env, timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const csv = write(dir, 'lager.csv', 'Nummer,Bezeichnung,Farbe,Gruppe\n1163,Wasserkocher,Navy Blue,Küche\n1164,Toaster,Cream,Küche\n1165,Becher, groß,Red,Küche\n');
  const printed = run('catalog', 'import', csv, '--print-mapping');
  assert.equal(printed.code, 0, printed.stderr);
  const mapping = JSON.parse(printed.stdout) as Record<string, unknown>;
  assert.equal(mapping['id'], '', 'no id column is guessed from German names');
  assert.match(String((mapping['notes'] as string[])[0]), /No id column/);
  Object.assign(mapping, { id: 'Nummer', name: 'Bezeichnung', colour: 'Farbe', category: 'Gruppe' });
  const file = write(dir, 'lager-mapping.json', JSON.stringify(mapping));
  const imported = run('catalog', 'import', csv, '--mapping', file);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /2 products in \(2 added, 0 updated, 0 unchanged\), 0 removed; 1 row could not be read/);
  assert.match(imported.stdout, /id ← "Nummer", name ← "Bezeichnung", image ← \(none\), colour ← "Farbe", category ← "Gruppe"/);
  assert.match(imported.stdout, /line 4: 5 fields where the header has 4 \(an unquoted comma in a field\?\)\n {4}1165,Becher, groß,Red,Küche/);
  const substitutes = run('substitutes', '1163', '--preset', 'same-function', '--where', 'category = küche');
  assert.equal(substitutes.code, 0, substitutes.stderr);
  assert.match(substitutes.stdout, /^Substitutes for Wasserkocher \(lager:1163\)/);
  assert.match(substitutes.stdout, /Toaster \(lager:1164\)/);
  assert.doesNotMatch(substitutes.stdout, /\.png|\.jpg/);
  const status = run('status');
  assert.match(status.stdout, /lager \(.*lager\.csv\): 2 products; its last import could not read 1 row \(`semblance catalog report lager`\)/);
  const report = run('catalog', 'report', 'lager');
  assert.match(report.stdout, /1165,Becher, groß,Red,Küche/);
  assert.equal(run('catalog', 'report', 'nope').code, 1);
});
