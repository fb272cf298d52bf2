import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { libraryEngine, writePhotos } from '../helpers/library.js';
import { peek } from '../helpers/peek.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

async function page(file: string, lines: readonly string[], turn = 0): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${80 + lines.length * 44}"><rect width="100%" height="100%" fill="#fbfaf5"/>${lines
    .map((line, i) => `<text x="30" y="${60 + i * 44}" font-family="DejaVu Sans, sans-serif" font-size="30" fill="#1d1d1d">${line}</text>`)
    .join('')}</svg>`;
  await sharp(Buffer.from(svg)).rotate(turn).jpeg({ quality: 92 }).toFile(file);
}

test('text in photos: read as a job after a quick look for letters (every picture recorded, a broken one with its reason), found with text: (words, prefixes), by plain queries (words, a misspelling, a meaning) with "its text" in the breakdown, shown with its boxes, from the command line too', { timeout: 240_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  await writePhotos(folder, 3);
  await page(path.join(folder, 'receipt.jpg'), ['CORNER MARKET', 'Milk 1.29', 'TOTAL 14.06']);
  await page(path.join(folder, 'invoice.jpg'), ['Invoice 2024-117', 'Due 30 June'], 90);
  await page(path.join(folder, 'sign.jpg'), ['USED AUTOMOBILE SALE']);
  fs.copyFileSync(path.join(folder, 'receipt.jpg'), path.join(folder, 'receipt copy.jpg'));
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  // A picture that was readable when indexed and is broken now: recorded with its reason, the job goes on.
  fs.writeFileSync(path.join(folder, 'photo-0002.jpg'), 'broken since');

  const summary = await engine.readText({});
  assert.equal(summary.state, 'done');
  assert.equal(summary.read, 3, `one read per content (the copy shares the receipt's): ${JSON.stringify(summary)}`);
  assert.equal(summary.withText, 3, JSON.stringify(summary));
  assert.equal(summary.skipped, 2, 'the two photos show no line of letters: not read');
  assert.equal(summary.embedded, 3, 'each text read is embedded in the text space');
  assert.equal(summary.meaning, null);
  assert.equal(summary.failed.length, 1);
  assert.match(summary.failed[0]?.path ?? '', /photo-0002\.jpg$/);
  assert.equal((await engine.readText({})).read, 0, 'nothing is read twice');
  const photoId = peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, 'photo-0001.jpg')) as number;
  assert.equal((await engine.itemText({ id: photoId })).skipped, true);

  const names = async (query: string): Promise<string[]> => (await engine.search({ query, k: 20 })).results.map((r) => path.basename(r.path ?? '')).sort();
  assert.deepEqual(await names('text:"total 14.06"'), ['receipt copy.jpg', 'receipt.jpg']);
  assert.deepEqual(await names('text:inv*'), ['invoice.jpg'], 'a prefix; the page photographed on its side is read');
  assert.deepEqual(await names('text:2024-117'), ['invoice.jpg']);
  assert.deepEqual(await names('text:market text:milk'), ['receipt copy.jpg', 'receipt.jpg'], 'two text: filters: both');
  assert.deepEqual(await names('text:"total invoice"'), [], 'every word must be there');
  assert.deepEqual(await names('something red text:invoice'), ['invoice.jpg'], 'a meaning query among the pictures that say it');
  await assert.rejects(engine.search({ query: 'text:"--"' }), /text: takes words read in pictures/);

  // Plain queries: pictures that print the query's words gain a share of the score ("its text"),
  // which brings them above the pictures that look alike (the other pages; the test CLIP model
  // scores the coloured photos higher whatever the words, so those are not compared).
  const plain = async (query: string): Promise<{ name: string; printed: number; words: string[] }[]> =>
    (await engine.search({ query, k: 20 })).results.map((r) => ({ name: path.basename(r.path ?? ''), printed: r.breakdown.printed ?? 0, words: r.printed ?? [] }));
  const pages = (results: { name: string }[]): string[] => results.map((r) => r.name).filter((name) => !name.startsWith('photo-'));
  const printedBy = (results: { name: string; printed: number }[]): string[] => results.filter((r) => r.printed > 0).map((r) => r.name).sort();
  const market = await plain('the corner market');
  assert.deepEqual(printedBy(market), ['receipt copy.jpg', 'receipt.jpg'], JSON.stringify(market));
  assert.deepEqual(pages(market).slice(0, 2).sort(), ['receipt copy.jpg', 'receipt.jpg'], JSON.stringify(market));
  const receipt = market.find((r) => r.name === 'receipt.jpg');
  assert.ok(receipt && Math.abs(receipt.printed - 0.15) < 1e-9 && receipt.words.sort().join() === 'corner,market', JSON.stringify(receipt));
  // A misspelt word: the word printed one letter away, counted for less.
  const misspelt = await plain('invoise');
  assert.deepEqual(printedBy(misspelt), ['invoice.jpg'], JSON.stringify(misspelt));
  assert.equal(pages(misspelt)[0], 'invoice.jpg');
  const invoice = misspelt.find((r) => r.name === 'invoice.jpg');
  assert.deepEqual(invoice?.words, ['invoice']);
  assert.ok(invoice && invoice.printed > 0 && invoice.printed < 0.15, 'a spelling counts less than the word');
  // By meaning: "car" is printed nowhere; the sign says AUTOMOBILE (a synonym to the text model).
  const car = await plain('car');
  assert.deepEqual(printedBy(car), ['sign.jpg'], JSON.stringify(car));
  assert.equal(pages(car)[0], 'sign.jpg');
  assert.deepEqual(car.find((r) => r.name === 'sign.jpg')?.words, [], 'no word of it is printed');
  assert.deepEqual(printedBy(await plain('dog')), [], 'a word printed nowhere and meant by no text: no share');

  const id = peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, 'receipt.jpg')) as number;
  const text = await engine.itemText({ id });
  assert.equal(text.read, true);
  assert.equal(text.text, 'CORNER MARKET\nMilk 1.29\nTOTAL 14.06', 'its lines, as read');
  const total = text.words.find((w) => w.text === '14.06');
  assert.ok(total && total.box.y1 > 100 && total.box.y1 < 160 && total.confidence > 80, JSON.stringify(total));
  const turned = await engine.itemText({ id: peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, 'invoice.jpg')) as number });
  assert.equal(turned.turned, 270, 'read turned back upright');
  const broken = await engine.itemText({ id: peek(engine).prepare('SELECT id FROM items WHERE path = ?').pluck().get(path.join(folder, 'photo-0002.jpg')) as number });
  assert.ok(broken.problem);
  await assert.rejects(engine.itemText({ id: 999_999 }), /No item with id 999999/);

  // Products' pictures are read too: a label on a packaging shot.
  const shop = path.join(dir, 'shop');
  fs.mkdirSync(shop);
  await page(path.join(shop, 'oat.jpg'), ['OAT DRINK', 'barista 1 L']);
  fs.writeFileSync(path.join(shop, 'shop.csv'), 'id,name,image\nP1,Plant milk,oat.jpg\n');
  await engine.importCatalog({ file: path.join(shop, 'shop.csv'), name: 'shop' });
  assert.equal((await engine.readText({})).withText, 1);
  assert.deepEqual((await engine.search({ query: 'text:barista', k: 5 })).results.map((r) => r.key), ['shop:P1']);

  // Languages: English ships; another is refused in words, saying where to put its model, and nothing is saved.
  await assert.rejects(engine.saveSettings({ textLanguages: ['eng', 'fra'] }), /French \(fra\) text model is not installed: put fra\.traineddata .* in .*tesseract/);
  assert.deepEqual((await engine.settings()).textLanguages, ['eng']);
  await assert.rejects(engine.readText({ languages: ['deu'] }), /German \(deu\) text model is not installed/);
  assert.deepEqual((await engine.saveSettings({ textLanguages: ['eng'] })).textLanguages, ['eng']);

  // With the setting on, photos indexed later are read when indexing ends (a job queued after it).
  assert.equal((await engine.settings()).readText, false, 'off unless chosen');
  assert.equal((await engine.saveSettings({ readText: true })).readText, true);
  await page(path.join(folder, 'ticket.jpg'), ['ADMIT ONE', 'Row 12 Seat 7']);
  await engine.index({ paths: [folder] });
  await engine.jobs.idle();
  assert.deepEqual(await names('text:admit'), ['ticket.jpg']);
  // --all reads what the quick look passed over: the two photos, which hold no text.
  const everything = await engine.readText({ everything: true });
  assert.equal(everything.read, 2, JSON.stringify(everything));
  assert.equal(everything.withText, 0);
  assert.equal((await engine.itemText({ id: photoId })).skipped, false);

  // The command line: read-text reads what is new, text prints what was read.
  await engine.close();
  const env = { ...process.env, ...testModelEnv(path.join(dir, 'models')) };
  const run = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bin, '--db', path.join(dir, 'data', 'library.db'), ...args], { encoding: 'utf8', env, timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const read = run('read-text');
  assert.equal(read.code, 0, read.stderr);
  assert.match(read.stdout, /^Read 0 pictures \(0 with text\) in [\d.]+ s\.\n$/);
  assert.equal(run('text', String(id)).stdout, 'CORNER MARKET\nMilk 1.29\nTOTAL 14.06\n');
  const searched = run('search', 'text:"total 14.06"', '--paths');
  assert.equal(searched.code, 0, searched.stderr);
  assert.deepEqual(searched.stdout.trim().split('\n').map((p) => path.basename(p)).sort(), ['receipt copy.jpg', 'receipt.jpg']);
  assert.equal(run('text', 'abc').code, 2);
});
