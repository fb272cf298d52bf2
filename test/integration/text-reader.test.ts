import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { distance } from 'fastest-levenshtein';
import sharp from 'sharp';
import { pictureLikelyHasText } from '../../main/engine/text/likely-text.js';
import { MAX_PIXELS, TextReader, turnsFor, type Turn } from '../../main/engine/text/text-reader.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_PHOTOS, IMAGENET, imagenetMissing } from '../helpers/test-models.js';

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Lines of text drawn on a plain background (or over a photo), as a PNG. */
async function drawn(lines: readonly string[], options: { width: number; height: number; size: number; background?: string; colour?: string; photo?: Buffer; x?: number; y?: number }): Promise<Buffer> {
  const { width, height, size } = options;
  const texts = lines.map((line, i) => `<text x="${options.x ?? 30}" y="${(options.y ?? 20) + size * 1.4 * (i + 1)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${options.colour ?? '#1d1d1d'}">${escape(line)}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${options.photo ? '' : `<rect width="100%" height="100%" fill="${options.background ?? '#fbfaf5'}"/>`}${texts.join('')}</svg>`;
  if (!options.photo) return sharp(Buffer.from(svg)).png().toBuffer();
  return sharp(options.photo).resize(width, height, { fit: 'cover' }).composite([{ input: Buffer.from(svg) }]).png().toBuffer();
}

const normal = (text: string): string => text.replace(/\s+/g, ' ').trim();
const wordsOf = (text: string): string[] => normal(text).split(' ').filter(Boolean);

test('text in pictures, read by the real Tesseract model offline: receipts, screenshots, signs on photos, turned pages, small and large print, a 48 MP scan, the Debian page; word recall and character error rate measured', { skip: imagenetMissing, timeout: 300_000 }, async (t) => {
  const reader = new TextReader();
  t.after(() => reader.close());
  const receipt = ['CORNER MARKET', 'Date 2024-03-15 10:42', 'Milk 2 x 1.29', 'Bread 2.49', 'Coffee beans 8.99', 'TOTAL 14.06'];
  const photo = fs.readFileSync(path.join(IMAGENET, fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort()[200] as string));
  const sign = await sharp(photo).resize(800, 600, { fit: 'cover' }).composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect x="140" y="200" width="540" height="150" rx="10" fill="#0b6623"/></svg>') }]).png().toBuffer();
  const cases: { name: string; lines: string[]; picture: Buffer; turned?: Turn }[] = [
    { name: 'receipt', lines: receipt, picture: await drawn(receipt, { width: 640, height: 480, size: 30 }) },
    { name: 'receipt photographed on its side', lines: receipt, picture: await sharp(await drawn(receipt, { width: 640, height: 480, size: 30 })).rotate(90).png().toBuffer(), turned: 270 },
    { name: 'page upside down', lines: receipt, picture: await sharp(await drawn(receipt, { width: 640, height: 480, size: 30 })).rotate(180).png().toBuffer(), turned: 180 },
    {
      name: 'screenshot',
      lines: ['Settings', 'Save changes before closing?', 'Your invoice 2024-117 is ready'],
      picture: await drawn(['Settings', 'Save changes before closing?', 'Your invoice 2024-117 is ready'], { width: 900, height: 200, size: 18, background: '#20232a', colour: '#f1f3f5' }),
    },
    { name: 'small print', lines: ['The quick brown fox jumps over the lazy dog', 'Terms apply until December 31'], picture: await drawn(['The quick brown fox jumps over the lazy dog', 'Terms apply until December 31'], { width: 700, height: 120, size: 15 }) },
    { name: 'large print', lines: ['SALE'], picture: await drawn(['SALE'], { width: 900, height: 300, size: 160 }) },
    { name: 'sign on a photo', lines: ['EXIT 12 NORTH'], picture: await drawn(['EXIT 12 NORTH'], { width: 800, height: 600, size: 56, colour: '#ffffff', photo: sign, x: 170, y: 215 }) },
    { name: 'a 48 MP scan', lines: receipt, picture: await drawn(receipt, { width: 8000, height: 6000, size: 380, x: 300, y: 200 }) },
  ];
  const figures: string[] = [];
  let [found, expected, errors, characters] = [0, 0, 0, 0];
  for (const { name, lines, picture, turned } of cases) {
    const started = performance.now();
    const read = await reader.read(picture);
    const seconds = (performance.now() - started) / 1000;
    const truth = normal(lines.join(' '));
    const got = wordsOf(read.text);
    const recall = wordsOf(truth).filter((word) => got.includes(word)).length / wordsOf(truth).length;
    const cer = distance(normal(read.text), truth) / truth.length;
    [found, expected, errors, characters] = [found + recall * wordsOf(truth).length, expected + wordsOf(truth).length, errors + distance(normal(read.text), truth), characters + truth.length];
    figures.push(`${name}: word recall ${recall.toFixed(2)}, CER ${cer.toFixed(3)}, ${seconds.toFixed(1)} s`);
    assert.ok(recall >= 0.8, `${name}: word recall ${recall.toFixed(2)} (read "${read.text}")`);
    // On a photo, the photo around the sign may add a stray reading ("74"): counted, with more room.
    assert.ok(cer <= (name === 'sign on a photo' ? 0.3 : 0.1), `${name}: character error rate ${cer.toFixed(3)} (read "${read.text}")`);
    if (turned !== undefined) assert.equal(read.turned, turned, `${name} is read turned by ${turned}°`);
    // The quick look passes it on to be read, pointing at the turns that read it.
    const look = await pictureLikelyHasText(picture, MAX_PIXELS);
    assert.ok(look.likely, `${name}: the quick look sees its lines ${JSON.stringify(look)}`);
    assert.ok(turnsFor(look).includes(turned ?? 0), `${name}: ${JSON.stringify(look)} → ${turnsFor(look).join(', ')}`);
    // Boxes are in the picture's own pixels: every word's box lies inside it.
    const { width = 0, height = 0 } = await sharp(picture).metadata();
    for (const word of read.words) assert.ok(word.box.x0 >= 0 && word.box.y0 >= 0 && word.box.x1 <= width + 1 && word.box.y1 <= height + 1, `${name}: ${JSON.stringify(word)} inside ${width}×${height}`);
  }
  // The receipt's total is where it was drawn: on the sixth line (baseline y = 20 + 30 × 1.4 × 6 = 272), after "TOTAL".
  const total = (await reader.read(cases[0]?.picture as Buffer)).words.find((w) => w.text === '14.06');
  assert.ok(total && Math.abs(total.box.y1 - 272) <= 8 && total.box.x0 > 100 && total.box.x0 < 200, JSON.stringify(total));
  // The Debian page (scikit-image's watershed example): its words, the way a person finds them.
  const page = await reader.read(path.join(DEBIAN_PHOTOS, 'page.png'));
  const pageWords = wordsOf(page.text).map((word) => word.toLowerCase().replace(/[^\p{L}\p{N}-]/gu, ''));
  for (const word of ['segmentation', 'markers', 'coins', 'background']) assert.ok(pageWords.includes(word), `page.png: "${word}" in "${page.text.slice(0, 200)}…"`);
  // A photo with no text has next to none; a file that is no picture says so.
  const plain = await reader.read(path.join(DEBIAN_PHOTOS, 'chelsea.png'));
  assert.ok(plain.words.length <= 2, `chelsea.png read as "${plain.text}"`);
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'broken.jpg'), 'not a picture');
  await assert.rejects(reader.read(path.join(dir, 'broken.jpg')), /unsupported image format|not a picture|Input file/);
  console.log(`ℹ text in pictures: word recall ${(found / expected).toFixed(3)}, character error rate ${(errors / characters).toFixed(3)} over ${cases.length} pictures; ${figures.join('; ')}; page.png ${page.words.length} words`);
});

test('the quick look on real photos: those with words in them are read, most of the others are passed over', { skip: imagenetMissing, timeout: 120_000 }, async () => {
  // Photos of ../shared's ImageNet sample Tesseract reads words in (a brand on a package, a
  // cinema's sign, a rugby ball's print, a rickshaw's name, a date stamp), and the Debian page.
  const worded = ['n04367480_swab.JPEG', 'n04118538_rugby_ball.JPEG', 'n03032252_cinema.JPEG', 'n03599486_jinrikisha.JPEG', 'n02086646_Blenheim_spaniel.JPEG'];
  for (const name of worded) assert.ok((await pictureLikelyHasText(path.join(IMAGENET, name), MAX_PIXELS)).likely, `${name} holds words`);
  assert.ok((await pictureLikelyHasText(path.join(DEBIAN_PHOTOS, 'page.png'), MAX_PIXELS)).likely);
  const sample = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort().filter((_, i) => i % 6 === 0);
  let passed = 0;
  for (const name of sample) if ((await pictureLikelyHasText(path.join(IMAGENET, name), MAX_PIXELS)).likely) passed++;
  console.log(`ℹ the quick look passed ${passed} of ${sample.length} ImageNet photos on to be read`);
  assert.ok(passed / sample.length <= 0.25, `${passed} of ${sample.length} passed: the look saves little`);
  for (const name of ['chelsea.png', 'astronaut.png', 'coffee.png', 'horse.png']) assert.equal((await pictureLikelyHasText(path.join(DEBIAN_PHOTOS, name), MAX_PIXELS)).likely, false, name);
});
