import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { Cutoff } from '../../main/engine/search/relevance-cutoff.js';
import { Engine } from '../../main/engine/engine.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';

/**
 * The relevance cut-off on real photos and real models: ~390 ImageNet photos (all of every
 * other dog breed, the five cats, every third other class; their classes from the file
 * names), five re-saved copies of three of them, the real MobileNetV2 for the visual space,
 * real pixel histograms for colour, and the tiny CLIP. What a user checks: re-saved copies
 * are kept together and nothing else; a broad "find similar" or a colour is never cut to
 * one result; a colour stops before the pictures that lack it.
 */
const skip = mobilenetMissing ?? imagenetMissing;
const COPIED = ['n02123045_tabby', 'n09428293_seashore', 'n07753592_banana'];
const PAGE = 10;

function classOf(file: string, sorted: string[]): 'dog' | 'cat' | 'other' {
  const i = sorted.indexOf(file);
  return i >= 151 && i < 269 ? 'dog' : i >= 281 && i < 286 ? 'cat' : 'other';
}

async function writeCopies(folder: string, base: string): Promise<void> {
  const source = path.join(IMAGENET, `${base}.JPEG`);
  const { width = 0, height = 0 } = await sharp(source).metadata();
  await sharp(source).resize(Math.round(width / 2)).jpeg({ quality: 70 }).toFile(path.join(folder, `copy-${base}-half.jpg`));
  await sharp(source).jpeg({ quality: 40 }).toFile(path.join(folder, `copy-${base}-q40.jpg`));
  const crop = { left: Math.round(width * 0.05), top: Math.round(height * 0.05), width: Math.round(width * 0.9), height: Math.round(height * 0.9) };
  await sharp(source).extract(crop).toFile(path.join(folder, `copy-${base}-crop.jpg`));
  await sharp(source).modulate({ brightness: 1.15 }).toFile(path.join(folder, `copy-${base}-bright.jpg`));
  await sharp(source).png().toFile(path.join(folder, `copy-${base}.png`));
}

test('the relevance cut-off on real photos: copies kept together, broad queries never cut to one, colours stop where they fade', { skip }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'photos');
  fs.mkdirSync(folder);
  const sorted = fs.readdirSync(IMAGENET).filter((f) => /^n\d{8}_/.test(f)).sort();
  const picked = sorted.filter((f, i) => i % 3 === 0 || (classOf(f, sorted) === 'dog' && i % 2 === 0) || classOf(f, sorted) === 'cat' || COPIED.some((b) => f.startsWith(b)));
  // Links, not copies: ImageNet photos stay in ../shared.
  for (const f of picked) fs.symlinkSync(path.join(IMAGENET, f), path.join(folder, f));
  for (const base of COPIED) await writeCopies(folder, base);

  const engine = Engine.open({ databaseFile: path.join(dir, 'library.db'), env: testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }), pool: { size: 1, threads: 2 } });
  t.after(() => engine.close());
  const summary = await engine.index({ paths: [folder] });
  assert.equal(summary.counts.done, picked.length + COPIED.length * 5);
  const idOf = (file: string): string => String(engine.store.itemIdByPath(path.join(folder, file)));
  const lines: string[] = [];
  const kept = (cutoff: Cutoff | null, count: number): number => cutoff?.index ?? count;

  // 1. Re-saved copies: a clear cliff; the five others are kept, nothing else.
  for (const base of COPIED) {
    for (const target of [`${base}.JPEG`, `copy-${base}-half.jpg`]) {
      for (const weights of [{ visual: 1 }, undefined]) {
        const { results, cutoff } = (await engine.similar({ targets: [idOf(target)], k: 200, ...(weights ? { weights } : {}) })).queries[0] as {
          results: { path: string }[];
          cutoff: Cutoff | null;
        };
        const what = `${target} (${weights ? 'visual' : 'balanced'})`;
        assert.equal(cutoff?.index, 5, `${what}: ${results.slice(0, 7).map((r) => path.basename(r.path)).join(', ')}`);
        assert.ok(results.slice(0, 5).every((r) => path.basename(r.path).includes(base)), `${what}: only its copies above the cut-off`);
      }
    }
  }
  lines.push('re-saved copies: 12 of 12 queries keep exactly the 5 other copies');

  // 2. "Find similar" on dogs and cats: no cliff between classes in these features (dogs
  //    slide into wolves and foxes), so a broad page is kept, never one result.
  const animals = picked.filter((f) => classOf(f, sorted) !== 'other' && !COPIED.some((b) => f.startsWith(b)));
  const queries = [...animals.filter((f) => classOf(f, sorted) === 'dog').slice(0, 24), ...animals.filter((f) => classOf(f, sorted) === 'cat')];
  for (const weights of [{ visual: 1 }, undefined]) {
    const counts: number[] = [];
    let precision = 0;
    for (const file of queries) {
      const { results, cutoff } = (await engine.similar({ targets: [idOf(file)], k: 200, ...(weights ? { weights } : {}) })).queries[0] as {
        results: { path: string }[];
        cutoff: Cutoff | null;
      };
      const n = kept(cutoff, results.length);
      counts.push(n);
      const cls = classOf(file, sorted);
      precision += results.slice(0, PAGE).filter((r) => classOf(path.basename(r.path), sorted) === cls).length / PAGE;
    }
    const early = counts.filter((n) => n < PAGE).length;
    const name = weights ? 'visual' : 'balanced';
    lines.push(`find similar (${name}), ${queries.length} dogs and cats: kept ${Math.min(...counts)}-${Math.max(...counts)}, cut before a page ${early}, one result ${counts.filter((n) => n === 1).length}; same class in the first ${PAGE}: ${(precision / queries.length).toFixed(2)}`);
    assert.equal(counts.filter((n) => n === 1).length, 0, `${name}: never one result`);
    assert.ok(early <= Math.ceil(queries.length / 20), `${name}: at most 1 in 20 cut before a page (${early})`);
  }

  // 3. Colours on real pixels: relevance fades; a page at least, and not the pictures without it.
  for (const colour of ['red', 'navy', '#ffcc00', 'green']) {
    const { results, cutoff } = await engine.search({ query: `colour:${colour}`, k: 200 });
    const n = kept(cutoff, results.length);
    lines.push(`colour:${colour}: kept ${n} of ${results.length}, top ${results[0]?.score.toFixed(3)}, last kept ${results[n - 1]?.score.toFixed(3)}`);
    assert.ok(n >= PAGE && n < results.length, `colour:${colour} keeps ${n}`);
  }

  // 4. Words through the tiny CLIP: no class cliff, never cut to a handful.
  for (const query of ['green sky', 'a red car']) {
    const { results, cutoff } = await engine.search({ query, k: 200 });
    const n = kept(cutoff, results.length);
    lines.push(`"${query}": kept ${n} of ${results.length}`);
    assert.ok(n >= PAGE, `"${query}" keeps ${n}`);
  }
  for (const line of lines) t.diagnostic(line);
});
