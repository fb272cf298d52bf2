import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { contentWords, foldWord, spellings } from '../../main/engine/search/printed-words.js';
import { textLikelihood } from '../../main/engine/text/likely-text.js';
import { languageModel, languageName } from '../../main/engine/text/text-reader.js';
import { tempDir } from '../helpers/temp-dir.js';

test('a query\'s words as the text read is searched: folded like FTS5 folds them, function words and picture words left out', () => {
  assert.equal(foldWord('Crème'), 'creme');
  assert.deepEqual(contentWords('a photo of the Crème brûlée receipt, 2024'), ['creme', 'brulee', 'receipt', '2024']);
  assert.deepEqual(contentWords('the of a'), []);
  assert.deepEqual(contentWords('x 7'), ['7'], 'a lone letter is noise, a lone digit is not');
});

test('a misspelt word: the words one letter away (two for long words), never a number or a short word', () => {
  const vocabulary = ['invoice', 'invoices', 'voice', 'receipt', 'receipts', 'total', 'cat', 'mississippi'];
  assert.deepEqual(spellings('invoise', vocabulary).sort(), ['invoice']);
  assert.deepEqual(spellings('reciept', vocabulary), ['receipt'], 'two neighbours swapped count as one');
  assert.deepEqual(spellings('recipet', vocabulary), [], 'two letters changed in a 7-letter word: too far');
  assert.deepEqual(spellings('misisipi', vocabulary), [], 'three letters away');
  assert.deepEqual(spellings('missisippi', vocabulary), ['mississippi']);
  assert.deepEqual(spellings('cot', vocabulary), [], 'three letters: too short to guess');
  assert.deepEqual(spellings('2025', ['2024']), [], 'numbers are not misspelt');
});

test('the quick look for lines of letters: a row of letter-like blobs on one baseline is text, scattered blobs and a blank page are not', () => {
  const [width, height] = [400, 120];
  const page = (draw: (x: number, y: number) => boolean): Uint8Array => {
    const grey = new Uint8Array(width * height).fill(235);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (draw(x, y)) grey[y * width + x] = 20;
    return grey;
  };
  // Ten "letters": rings 14 px tall, 10 wide, 5 px apart, on one baseline.
  const ring = (x: number, y: number, cx: number, cy: number): boolean => {
    const d = ((x - cx) / 5) ** 2 + ((y - cy) / 7) ** 2;
    return d <= 1 && d >= 0.45;
  };
  const line = page((x, y) => Array.from({ length: 10 }, (_, i) => ring(x, y, 30 + i * 15, 60)).some(Boolean));
  const found = textLikelihood(line, width, height);
  assert.equal(found.likely, true, JSON.stringify(found));
  assert.ok(found.letters >= 10, JSON.stringify(found));
  // The same rings at random heights, or far apart: no line.
  const heights = [20, 95, 40, 75, 30, 100, 55, 15, 85, 45];
  assert.equal(textLikelihood(page((x, y) => heights.some((h, i) => ring(x, y, 30 + i * 15, h))), width, height).likely, false);
  assert.equal(textLikelihood(page((x, y) => [0, 1, 2, 3].some((i) => ring(x, y, 30 + i * 100, 60))), width, height).likely, false);
  assert.equal(textLikelihood(page(() => false), width, height).likely, false);
  // Turned a quarter (a page on its side): the line runs down, and is found.
  const turned = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) turned[x * height + (height - 1 - y)] = line[y * width + x] as number;
  assert.equal(textLikelihood(turned, height, width).likely, true);
});

test('text models per language: the npm package, else a file in the models folder; a missing one says where to put it', (t) => {
  assert.match(languageModel('eng', null), /@tesseract\.js-data[\\/]eng[\\/].*eng\.traineddata\.gz$/);
  const folder = tempDir(t);
  assert.throws(() => languageModel('deu', folder), new RegExp(`the German \\(deu\\) text model is not installed: put deu\\.traineddata .* in ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, or install the npm package @tesseract\\.js-data/deu`));
  fs.writeFileSync(path.join(folder, 'deu.traineddata'), 'a model put there by hand');
  assert.equal(languageModel('deu', folder), path.join(folder, 'deu.traineddata'));
  assert.throws(() => languageModel('../eng', folder), /not a language code Tesseract uses/);
  assert.equal(languageName('chi_sim'), 'Chinese (chi_sim)');
  assert.equal(languageName('qqq'), 'qqq');
});
