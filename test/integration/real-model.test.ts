import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AutoModel, AutoProcessor, RawImage, type Tensor } from '@huggingface/transformers';
import { EmbedPool } from '../../main/engine/embed/embed-pool.js';
import { configureTransformers } from '../../main/engine/models/load-models.js';
import { resolveModelConfig } from '../../main/engine/models/registry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, MOBILENET, dot, imagenetMissing, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';

const skip = mobilenetMissing ?? imagenetMissing;
const FOODS = ['pizza', 'cheeseburger', 'hotdog', 'ice_cream', 'trifle', 'French_loaf', 'bagel', 'pretzel', 'burrito', 'carbonara', 'guacamole', 'mashed_potato', 'potpie', 'meat_loaf', 'chocolate_sauce', 'espresso'];

/** ImageNet groups by class index: 151–268 are the dog breeds, 281–285 the domestic cats. */
function groups(): { group: 'cat' | 'dog' | 'food'; file: string }[] {
  const files = fs.readdirSync(IMAGENET).filter((f) => /^n\d{8}_/.test(f)).sort();
  return [
    ...files.slice(281, 286).map((file) => ({ group: 'cat' as const, file })),
    ...files.slice(151, 269).map((file) => ({ group: 'dog' as const, file })),
    ...files.filter((f) => FOODS.some((food) => f.endsWith(`_${food}.JPEG`))).map((file) => ({ group: 'food' as const, file })),
  ];
}

/** Mean share of each photo's k nearest neighbours (itself left out) that are of its group. */
function precisionAtK(items: { group: string; vector: Float32Array }[], group: string, k: number): number {
  let hits = 0;
  let total = 0;
  items.forEach((item, i) => {
    if (item.group !== group) return;
    const nearest = items
      .map((other, j) => ({ j, score: j === i ? -Infinity : dot(item.vector, other.vector) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    hits += nearest.filter(({ j }) => items[j]?.group === group).length;
    total += k;
  });
  return hits / total;
}

test('real MobileNetV2: cats find cats, dogs find dogs, foods find foods', { skip }, async (t) => {
  const dir = tempDir(t);
  const pool = new EmbedPool({ config: resolveModelConfig(testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' })), size: 1, threads: 2 });
  t.after(() => pool.close());
  const photos = groups();
  assert.deepEqual(
    ['cat', 'dog', 'food'].map((g) => photos.filter((p) => p.group === g).length),
    [5, 118, 16],
  );
  const results = await pool.embedImages(photos.map((p) => path.join(IMAGENET, p.file)), ['visual']);
  const items = photos.map((p, i) => {
    const r = results[i];
    assert.ok(r?.ok && r.vectors.visual, `${p.file} embedded`);
    return { group: p.group, vector: r.vectors.visual };
  });
  // Measured here (plain cosine, as search uses): cats 0.70, dogs 0.99, foods 0.85.
  // Chance levels among these 139 photos: cats 0.03, dogs 0.85, foods 0.11.
  const cats = precisionAtK(items, 'cat', 4);
  const dogs = precisionAtK(items, 'dog', 5);
  const foods = precisionAtK(items, 'food', 5);
  t.diagnostic(`precision: cats@4 ${cats.toFixed(2)}, dogs@5 ${dogs.toFixed(2)}, foods@5 ${foods.toFixed(2)}`);
  assert.ok(cats >= 0.5, `cats@4 ${cats}`);
  assert.ok(dogs >= 0.95, `dogs@5 ${dogs}`);
  assert.ok(foods >= 0.6, `foods@5 ${foods}`);
});

test("our one-decode pipeline gives the features transformers.js's own image path gives", { skip }, async (t) => {
  const dir = tempDir(t);
  const config = resolveModelConfig(testModelEnv(path.join(dir, 'models'), { visual: 'mobilenet' }));
  const pool = new EmbedPool({ config, size: 1, threads: 2 });
  t.after(() => pool.close());
  configureTransformers(config);
  const processor = await AutoProcessor.from_pretrained(MOBILENET);
  const model = await AutoModel.from_pretrained(MOBILENET, { dtype: 'q8' });
  t.after(() => model.dispose());

  const files = groups()
    .filter((_, i) => i % 17 === 0)
    .map((p) => path.join(IMAGENET, p.file));
  const ours = await pool.embedImages(files, ['visual']);
  let lowest = 1;
  for (const [i, file] of files.entries()) {
    const { pixel_values } = (await processor(await RawImage.read(file))) as { pixel_values: Tensor };
    const { pooler_output } = (await model({ pixel_values })) as { pooler_output: Tensor };
    const theirs = Float32Array.from(pooler_output.data as Float32Array);
    const norm = Math.sqrt(dot(theirs, theirs));
    const mine = ours[i];
    assert.ok(mine?.ok && mine.vectors.visual);
    const cosine = dot(mine.vectors.visual, theirs) / norm;
    lowest = Math.min(lowest, cosine);
    // The two differ only in resampling (we shrink while decoding, then resize a small image).
    assert.ok(cosine > 0.95, `${path.basename(file)}: cosine ${cosine.toFixed(3)}`);
  }
  t.diagnostic(`lowest cosine between the two paths over ${files.length} photos: ${lowest.toFixed(4)}`);
});
