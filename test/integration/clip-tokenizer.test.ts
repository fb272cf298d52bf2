import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AutoTokenizer } from '@huggingface/transformers';
import { Engine } from '../../main/engine/engine.js';
import { EmbedPool } from '../../main/engine/embed/embed-pool.js';
import { requiredFiles } from '../../main/engine/models/model-files.js';
import { resolveModelConfig } from '../../main/engine/models/registry.js';
import { fakeHub } from '../helpers/fake-hub.js';
import { libraryEngine, writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FIXTURE_MODELS, dot, testModelEnv } from '../helpers/test-models.js';

const TINY_CLIP = path.join(FIXTURE_MODELS, 'tiny-clip');

test("the tiny CLIP tokenizes with CLIP ViT-B/32's real BPE: known ids, 77 tokens at most", async (t) => {
  const tokenizer = await AutoTokenizer.from_pretrained(TINY_CLIP, { local_files_only: true });
  assert.deepEqual(tokenizer.encode('a photo of a cat'), [49406, 320, 1125, 539, 320, 2368, 49407]);
  assert.deepEqual(tokenizer.encode('dog at the beach'), [49406, 1929, 536, 518, 2117, 49407]);
  const long = Array.from({ length: 100 }, (_, i) => ['red', 'car', 'on', 'a', 'street'][i % 5]).join(' ');
  assert.equal(tokenizer.encode(long).length, 102);
  const cut = tokenizer([long], { padding: true, truncation: true, max_length: 77 });
  assert.deepEqual((cut.input_ids as { dims: number[] }).dims, [1, 77]);

  // Through the product's own path: the token count, the embedding, and the warning.
  const dir = tempDir(t);
  const pool = new EmbedPool({ config: resolveModelConfig(testModelEnv(path.join(dir, 'models'))), size: 1, threads: 1 });
  t.after(() => pool.close());
  assert.deepEqual(await pool.countTokens(['a photo of a cat', long]), [7, 102]);
  const [red, crimson, blue, cut77] = await pool.embedTexts(['a red photo', 'crimson', 'blue', long], 'clip');
  assert.ok(red && crimson && blue && cut77);
  assert.ok(dot(red, crimson) > 0.9 && dot(red, blue) < 0.5, 'colour words keep their meaning through the real BPE');
  assert.ok(dot(cut77, red) > 0.5, 'a long text is cut, not refused');

  const engine = libraryEngine(t, dir);
  await writePhotos(path.join(dir, 'photos'), 3);
  await engine.index({ paths: [path.join(dir, 'photos')] });
  const { warnings } = await engine.search({ query: long });
  assert.match(warnings.join(' '), /is 102 tokens long; CLIP reads the first 77/);
});

for (const dtype of ['fp32', 'q8'] as const) {
  test(`the default CLIP's files in ${dtype} are the ones transformers.js asks the hub for`, async (t) => {
    // A hub that serves the tiny CLIP under every name transformers.js might ask for, and
    // records what it asks: what Semblance checks for must be what is downloaded.
    const dir = tempDir(t);
    const served = path.join(dir, 'hub');
    fs.mkdirSync(path.join(served, 'onnx'), { recursive: true });
    for (const file of fs.readdirSync(TINY_CLIP)) if (file.endsWith('.json')) fs.copyFileSync(path.join(TINY_CLIP, file), path.join(served, file));
    for (const part of ['text_model', 'vision_model']) {
      for (const suffix of ['', '_quantized', '_fp16', '_int8', '_uint8', '_q4']) fs.copyFileSync(path.join(TINY_CLIP, 'onnx', `${part}.onnx`), path.join(served, 'onnx', `${part}${suffix}.onnx`));
    }
    const hub = await fakeHub(t, 'Xenova/clip-vit-base-patch32', served);
    const engine = Engine.open({
      databaseFile: path.join(dir, 'library.db'),
      env: { SEMBLANCE_MODELS_DIR: path.join(dir, 'models'), SEMBLANCE_MODEL_HOST: hub.url, SEMBLANCE_DTYPE_CLIP: dtype },
      pool: { size: 1, threads: 1 },
    });
    t.after(() => engine.close());
    const { models } = await engine.downloadModels({ spaces: ['clip'] });
    assert.deepEqual([models[0]?.model, models[0]?.dtype, models[0]?.present], ['Xenova/clip-vit-base-patch32', dtype, true]);
    const prefix = '/Xenova/clip-vit-base-patch32/resolve/main/';
    const asked = new Set(hub.requests.filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length)));
    const expected = requiredFiles('clip', dtype);
    for (const file of expected) assert.ok(asked.has(file), `${file} was downloaded (asked: ${[...asked].join(', ')})`);
    assert.deepEqual([...asked].filter((f) => f.endsWith('.onnx')).sort(), expected.filter((f) => f.endsWith('.onnx')).sort());
  });
}
