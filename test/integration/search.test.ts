import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Engine } from '../../main/engine/engine.js';
import { SemblanceError } from '../../main/engine/errors.js';
import { tempDir } from '../helpers/temp-dir.js';
import { colourPhoto, libraryEngine } from '../helpers/library.js';
import { IMAGENET, imagenetMissing, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';
import { peek } from '../helpers/peek.js';

const PALETTE: Record<string, [number, number, number]> = { red: [205, 35, 30], green: [40, 190, 50], blue: [35, 45, 205] };

/** 5 photos each of red, green and blue, and 20 greyish ones. */
async function colourLibrary(t: { after(fn: () => unknown): void }): Promise<{ engine: Engine; folder: string; dir: string }> {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  for (const [name, rgb] of Object.entries(PALETTE)) {
    for (let i = 0; i < 5; i++) await colourPhoto(path.join(folder, `${name}-${i}.jpg`), rgb, i + name.length * 10);
  }
  for (let i = 0; i < 20; i++) {
    const grey = 60 + i * 8;
    await colourPhoto(path.join(folder, `grey-${i}.jpg`), [grey, grey + 4, grey - 3], 100 + i);
  }
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  return { engine, folder, dir };
}

const names = (results: { path: string | null }[]): string[] => results.map((r) => path.basename(r.path ?? '', '.jpg'));

test('words find the photos they describe, -words demote, like: mixes in an example', async (t) => {
  const { engine, folder } = await colourLibrary(t);
  const red = await engine.search({ query: 'a photo of something red', k: 10 });
  assert.deepEqual(names(red.results).slice(0, 5).map((n) => n.split('-')[0]), ['red', 'red', 'red', 'red', 'red']);

  // "purple" lies between red and blue; "-blue" pushes the blue ones down, below every red one.
  const purple = names((await engine.search({ query: 'purple', k: 10 })).results);
  assert.ok(purple.slice(0, 10).some((n) => n.startsWith('blue')), purple.join());
  const purpleNotBlue = names((await engine.search({ query: 'purple -blue', k: 35 })).results);
  const lastRed = Math.max(...purpleNotBlue.map((n, i) => (n.startsWith('red') ? i : -1)));
  const firstBlue = purpleNotBlue.findIndex((n) => n.startsWith('blue'));
  assert.ok(lastRed < firstBlue, purpleNotBlue.join());

  // like: an example photo (left out of its own results) mixed with words: "blue, but like
  // this green one" keeps the blue photos first and lifts the green ones above the greys.
  const meanRankOfGreen = (list: string[]): number =>
    list.map((n, i) => (n.startsWith('green') ? i : -1)).filter((i) => i >= 0).reduce((a, b, _, all) => a + b / all.length, 0);
  const blueOnly = names((await engine.search({ query: 'blue', k: 35 })).results);
  const mixed = names((await engine.search({ query: `like:${path.join(folder, 'green-0.jpg')} 2:blue`, k: 35 })).results);
  assert.ok(!mixed.includes('green-0'), 'the example itself is left out');
  assert.deepEqual(new Set(mixed.slice(0, 5).map((n) => n.split('-')[0])), new Set(['blue']));
  assert.ok(meanRankOfGreen(mixed) + 10 < meanRankOfGreen(blueOnly), `${mixed.join()} vs ${blueOnly.join()}`);
});

test('the relevance cut-off separates the planted group from the rest', async (t) => {
  const { engine } = await colourLibrary(t);
  const green = await engine.search({ query: 'green', k: 30 });
  assert.equal(green.cutoff?.index, 5, JSON.stringify(green.results.slice(0, 8).map((r) => [r.path, r.score])));
  assert.deepEqual(new Set(names(green.results.slice(0, 5)).map((n) => n.split('-')[0])), new Set(['green']));
  // Sorting by date reorders only what is above the cut-off.
  const byDate = await engine.search({ query: 'green', k: 30, sort: 'date' });
  assert.deepEqual(new Set(byDate.results.slice(0, 5).map((r) => r.id)), new Set(green.results.slice(0, 5).map((r) => r.id)));
});

test('zero-shot labels: the planted label wins, probabilities sum to 1, tags filter results', async (t) => {
  const { engine, folder } = await colourLibrary(t);
  const { labels } = await engine.classify({ target: path.join(folder, 'blue-2.jpg'), labels: ['red', 'green', 'blue'] });
  assert.equal(labels[0]?.label, 'blue');
  assert.ok(Math.abs(labels.reduce((s, l) => s + l.probability, 0) - 1) < 1e-9);

  const applied = await engine.applyLabels({ name: 'colours', labels: ['red', 'green', 'blue', 'grey'], threshold: 0.5 });
  assert.equal(applied.items, 35);
  assert.deepEqual([applied.tagged['red'], applied.tagged['green'], applied.tagged['blue']], [5, 5, 5]);
  const onlyRed = await engine.search({ query: 'something bright label:red', k: 20 });
  assert.deepEqual(new Set(names(onlyRed.results).map((n) => n.split('-')[0])), new Set(['red']));
  assert.equal(onlyRed.results.length, 5);
  // Applying the set again with other labels replaces its tags.
  const again = await engine.applyLabels({ name: 'colours', labels: ['red', 'blue'], threshold: 0.9 });
  assert.equal(again.tagged['green'], undefined);
  assert.equal((await engine.search({ query: 'x label:green', k: 5 })).results.length, 0);
});

test('compare ranks a synonym pair above an unrelated pair', async (t) => {
  const engine = libraryEngine(t, tempDir(t));
  const synonyms = await engine.compare({ a: 'a happy dog', b: 'the joyful puppy' });
  const unrelated = await engine.compare({ a: 'a happy dog', b: 'a red toaster' });
  const [same, other] = [synonyms.scores.text ?? NaN, unrelated.scores.text ?? NaN];
  assert.ok(same > other + 0.3, `${same} vs ${other}`);
  assert.deepEqual(Object.keys(synonyms.scores).sort(), ['clip', 'text']);
});

test('bad searches give clear errors or warnings', async (t) => {
  const { engine, dir } = await colourLibrary(t);
  const failsWith = async (promise: Promise<unknown>, pattern: RegExp): Promise<void> => {
    await assert.rejects(promise, (error: unknown) => error instanceof SemblanceError && pattern.test(error.message));
  };
  await failsWith(engine.search({ query: '' }), /empty/);
  await failsWith(engine.search({ query: '-red' }), /only negative terms/);
  await failsWith(engine.search({ query: 'red shape:round' }), /Unknown filter "shape:"/);
  await failsWith(engine.search({ query: `like:${path.join(dir, 'no-such.jpg')}` }), /neither a library item id nor an image file/);
  await failsWith(engine.classify({ target: '1', labels: ['cat'] }), /at least two labels/);
  const long = await engine.search({ query: Array.from({ length: 90 }, () => 'red').join(' ') });
  assert.match(long.warnings[0] ?? '', /92 tokens long; CLIP reads the first 77/);
});

test('similar --space visual on a dog photo returns mostly dogs (real MobileNetV2)', { skip: mobilenetMissing ?? imagenetMissing }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'imagenet');
  fs.mkdirSync(folder);
  const files = fs.readdirSync(IMAGENET).filter((f) => /^n\d{8}_/.test(f)).sort();
  const dogs = files.slice(151, 269).filter((_, i) => i % 6 === 0); // 20 breeds
  const others = [...files.slice(281, 286), ...files.slice(0, 400).filter((_, i) => i % 27 === 5)]; // cats, fish, birds, …
  for (const f of [...dogs, ...others]) fs.symlinkSync(path.join(IMAGENET, f), path.join(folder, f));
  const engine = Engine.open({
    databaseFile: path.join(dir, 'data', 'library.db'),
    env: testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }),
    pool: { size: 1, threads: 2 },
    photoSpaces: ['visual'],
  });
  t.after(() => engine.close());
  await engine.index({ paths: [folder] });
  const { queries } = await engine.similar({ targets: dogs.slice(0, 10).map((f) => path.join(folder, f)), weights: { visual: 1 }, k: 5 });
  const dogShare = queries.flatMap((q) => q.results).filter((r) => dogs.includes(path.basename(r.path ?? ''))).length / 50;
  const chance = (dogs.length - 1) / (dogs.length + others.length - 1);
  t.diagnostic(`share of dogs among the 5 nearest of 10 dog photos: ${dogShare.toFixed(2)} (chance ${chance.toFixed(2)})`);
  assert.ok(dogShare >= 0.6, `dog share ${dogShare}`);
  for (const q of queries) assert.ok(!q.results.some((r) => r.id === q.id), 'the query photo is left out');
});

test('with the text space, photos are found by the words of their file and folder names', async (t) => {
  const { itemText } = await import('../../main/engine/library/index-job.js');
  assert.equal(itemText('/p/Holidays/2024 Crete/IMG_2041-beach.jpg', '/p'), 'Holidays 2024 Crete beach');
  assert.equal(itemText('/p/DSC0001.JPG', '/p'), 'DSC0001.JPG', 'a name of only a counter is kept whole');
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(path.join(folder, 'my dog'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'food'), { recursive: true });
  const grey: [number, number, number] = [120, 122, 118];
  await colourPhoto(path.join(folder, 'my dog', 'IMG_0001.jpg'), grey, 1);
  await colourPhoto(path.join(folder, 'food', 'pizza-night.jpg'), grey, 2);
  await colourPhoto(path.join(folder, 'food', 'burger.jpg'), grey, 3);
  const engine = Engine.open({
    databaseFile: path.join(dir, 'data', 'library.db'),
    env: testModelEnv(path.join(dir, 'models')),
    pool: { size: 1, threads: 1 },
    photoSpaces: ['clip', 'colour', 'text'],
  });
  t.after(() => engine.close());
  await engine.index({ paths: [folder] });
  // The pictures are alike; only their names tell them apart.
  assert.equal(path.basename((await engine.search({ query: 'puppy', k: 1 })).results[0]?.path ?? ''), 'IMG_0001.jpg');
  const meal = await engine.search({ query: 'a meal', k: 3 });
  assert.deepEqual(new Set(meal.results.slice(0, 2).map((r) => path.basename(r.path ?? ''))), new Set(['pizza-night.jpg', 'burger.jpg']));
  assert.ok((meal.results[0]?.breakdown.text ?? 0) > 0, 'the text space took part');
});

test('in:, after: and before: filter by folder and by date', async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(path.join(folder, '2019 trip'), { recursive: true });
  fs.mkdirSync(path.join(folder, 'home'), { recursive: true });
  const old = path.join(folder, '2019 trip', 'red-old.jpg');
  const recent = path.join(folder, 'home', 'red-new.jpg');
  await colourPhoto(old, PALETTE['red'] as [number, number, number], 1);
  await colourPhoto(recent, PALETTE['red'] as [number, number, number], 2);
  fs.utimesSync(old, new Date(2019, 5, 1), new Date(2019, 5, 1));
  fs.utimesSync(recent, new Date(2024, 2, 15), new Date(2024, 2, 15));
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  const found = async (query: string): Promise<string[]> => names((await engine.search({ query, k: 5 })).results).sort();
  assert.deepEqual(await found('red'), ['red-new', 'red-old']);
  assert.deepEqual(await found('red after:2020'), ['red-new']);
  assert.deepEqual(await found('red before:2019-06'), ['red-old']);
  assert.deepEqual(await found('red after:2019-06-02 before:2024-03-14'), []);
  assert.deepEqual(await found(`red in:"${path.join(folder, '2019 trip')}"`), ['red-old']);
  assert.deepEqual(await found(`red in:${path.join(folder, 'home')}`), ['red-new']);
  assert.deepEqual(await found(`red in:${path.join(folder, 'hom')}`), [], 'a folder, not a prefix of a name');

  // Filters alone list what passes them, newest first, with how many pass.
  const listed = await engine.search({ query: `kind:photo in:${folder}`, k: 5 });
  assert.deepEqual(names(listed.results), ['red-new', 'red-old']);
  assert.deepEqual([listed.listed, listed.cutoff, listed.results.every((r) => r.score === 0)], [{ total: 2 }, null, true]);
  assert.deepEqual(names((await engine.search({ query: 'after:2020-01', k: 5 })).results), ['red-new']);
  const first = await engine.search({ query: 'before:2030', k: 1 });
  assert.deepEqual([names(first.results), first.listed], [['red-new'], { total: 2 }], 'k pages; total counts them all');
});

test("a photo's own XMP title or EXIF description is read and searchable", async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  const grey: [number, number, number] = [120, 122, 118];
  await colourPhoto(path.join(folder, 'a.jpg'), grey, 1);
  await colourPhoto(path.join(folder, 'b.jpg'), grey, 2);
  await colourPhoto(path.join(folder, 'c.jpg'), grey, 3);
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">my puppy</rdf:li></rdf:Alt></dc:title>
    </rdf:Description></rdf:RDF></x:xmpmeta>`;
  const titled = path.join(folder, 'IMG_0007.jpg');
  await sharp(path.join(folder, 'a.jpg')).withXmp(xmp).jpeg().toFile(titled);
  const described = path.join(folder, 'IMG_0008.jpg');
  await sharp(path.join(folder, 'b.jpg')).withExif({ IFD0: { ImageDescription: 'burger for lunch' } }).jpeg().toFile(described);
  fs.rmSync(path.join(folder, 'a.jpg'));
  fs.rmSync(path.join(folder, 'b.jpg'));

  const { decodeImage } = await import('../../main/engine/embed/decode-image.js');
  assert.equal((await decodeImage(titled, 64)).original.caption, 'my puppy');
  assert.equal((await decodeImage(described, 64)).original.caption, 'burger for lunch');

  const engine = Engine.open({
    databaseFile: path.join(dir, 'data', 'library.db'),
    env: testModelEnv(path.join(dir, 'models')),
    pool: { size: 1, threads: 1 },
    photoSpaces: ['clip', 'text'],
  });
  t.after(() => engine.close());
  await engine.index({ paths: [folder] });
  assert.equal(path.basename((await engine.search({ query: 'dog', k: 1 })).results[0]?.path ?? ''), 'IMG_0007.jpg');
  assert.equal(path.basename((await engine.search({ query: 'a meal', k: 1 })).results[0]?.path ?? ''), 'IMG_0008.jpg');
  // The caption is Semblance's reading of the file, kept in its own column, not among fields.
  const id = engine.store.itemIdByPath(titled) as number;
  assert.deepEqual((await engine.item({ id })).fields, {});
  assert.equal(peek(engine).prepare('SELECT caption FROM items WHERE id = ?').pluck().get(id), 'my puppy');
});

test('colour: terms, item comparisons and weight presets', async (t) => {
  const { engine, folder } = await colourLibrary(t);
  // "like this, in navy": a colour term alone, and mixed with an example.
  const blue = await engine.search({ query: 'colour:#2030c0', k: 5 });
  assert.deepEqual(names(blue.results).map((n) => n.split('-')[0]), ['blue', 'blue', 'blue', 'blue', 'blue']);
  const greenLike = engine.store.itemIdByPath(path.join(folder, 'green-0.jpg'));
  const firstRed = async (query: string): Promise<number> => names((await engine.search({ query, k: 40 })).results).findIndex((n) => n.startsWith('red'));
  const alone = await firstRed(`like:${greenLike}`);
  const inRed = await firstRed(`like:${greenLike} colour:red`);
  assert.ok(inRed < alone, `the first red photo rises from ${alone} to ${inRed}`);
  await assert.rejects(engine.search({ query: 'cat colour:notacolour' }), /colour: takes a colour name or hex.*at character 5/);

  // Two items: every space both have; a text and an item: clip only (no text vectors here).
  const id = (name: string): number => engine.store.itemIdByPath(path.join(folder, `${name}.jpg`)) as number;
  const twins = await engine.compare({ a: { item: id('red-0') }, b: { item: id('red-1') } });
  const apart = await engine.compare({ a: { item: id('red-0') }, b: { item: id('blue-0') } });
  assert.deepEqual(Object.keys(twins.scores).sort(), ['clip', 'colour', 'visual']);
  for (const space of ['clip', 'colour'] as const) assert.ok((twins.scores[space] ?? 0) > (apart.scores[space] ?? 1), space);
  const worded = await engine.compare({ a: 'something red', b: { item: id('red-0') } });
  assert.deepEqual(Object.keys(worded.scores), ['clip']);
  assert.equal(worded.b, 'red-0.jpg');
  assert.ok((worded.scores.clip ?? 0) > ((await engine.compare({ a: 'something red', b: { item: id('blue-0') } })).scores.clip ?? 1));
  await assert.rejects(engine.compare({ a: { item: 99999 }, b: 'x' }), /No item with id 99999/);

  // Presets: the built-in ones, and the user's, saved with the library.
  const presets = await engine.weightPresets();
  assert.deepEqual(presets.builtIn.map((p) => p.name), ['balanced', 'same-function', 'same-look', 'product-not-scene']);
  assert.deepEqual(presets.saved, []);
  await engine.saveWeightPreset({ name: 'mostly colour', weights: { colour: 0.8, visual: -0.2 } });
  assert.deepEqual((await engine.weightPresets()).saved, [{ name: 'mostly colour', weights: { colour: 0.8, visual: -0.2 } }]);
  await assert.rejects(engine.saveWeightPreset({ name: 'balanced', weights: { text: 1 } }), /built-in/);
  assert.deepEqual((await engine.saveWeightPreset({ name: 'mostly colour', weights: null })).saved, []);
});

test('an answer says how many items it ranked in all, not the k it was cut to', async (t) => {
  const { engine } = await colourLibrary(t);
  const green = await engine.search({ query: 'green', k: 3 });
  assert.equal(green.results.length, 3);
  assert.equal(green.total, 35, 'every photo has a clip vector: all 35 were ranked');
  const [alike] = (await engine.similar({ targets: [String(green.results[0]?.id)], weights: { colour: 1 }, k: 4 })).queries;
  assert.equal(alike?.total, 34, 'the example itself is not one of its look-alikes');
  const greys = await engine.search({ query: 'grey after:2999-01-01', k: 5 });
  assert.equal(greys.total, 0, 'a filter that passes nothing ranks nothing');
});

test('a search of an empty library says there is nothing indexed yet, in words, instead of failing', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const answer = await engine.search({ query: 'dog at the beach' });
  assert.deepEqual(answer.results, []);
  assert.deepEqual(answer.warnings, ['Nothing is indexed yet: add a folder of photos or import a catalog, and search again once it is read.']);
  assert.doesNotMatch(JSON.stringify(answer), /Term 1|space has no model/);
});
