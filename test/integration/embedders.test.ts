import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { Embedders, type ImageEmbedding } from '../../main/engine/embed/embedders.js';
import { SemblanceError } from '../../main/engine/errors.js';
import { resolveModelConfig } from '../../main/engine/models/registry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_PHOTOS, dot, testModelEnv } from '../helpers/test-models.js';

function embedders(t: { after(fn: () => unknown): void }, dir: string): Embedders {
  const e = new Embedders({ config: resolveModelConfig(testModelEnv(path.join(dir, 'models'))), threads: 1 });
  t.after(() => e.dispose());
  return e;
}

/** A photo-like image: a colour with some texture, so it is not a flat swatch. */
function noisyImage(colour: [number, number, number], width = 320, height = 240, seed = 1): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let i = 0; i < width * height; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const jitter = ((s >>> 16) % 41) - 20;
    colour.forEach((value, c) => (pixels[i * 3 + c] = Math.max(0, Math.min(255, value + jitter))));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

function vectorsOf(result: ImageEmbedding | undefined): Extract<ImageEmbedding, { ok: true }>['vectors'] {
  assert.ok(result?.ok, result && !result.ok ? result.reason : 'no result');
  return result.vectors;
}

test('every space loads through transformers.js and gives unit vectors of the model size', async (t) => {
  const e = embedders(t, tempDir(t));
  const [photo] = await e.embedImages([path.join(DEBIAN_PHOTOS, 'coffee.png')], ['clip', 'visual', 'colour']);
  const v = vectorsOf(photo);
  assert.deepEqual([v.clip?.length, v.visual?.length, v.colour?.length], [8, 16, 245]);
  const [clipText] = await e.embedTexts(['a cup of coffee'], 'clip');
  const [text] = await e.embedTexts(['a cup of coffee'], 'text');
  assert.deepEqual([clipText?.length, text?.length], [8, 16]);
  for (const vector of [v.clip, v.visual, v.colour, clipText, text] as Float32Array[]) {
    assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-5, 'unit length');
  }
  const size = await sharp(path.join(DEBIAN_PHOTOS, 'coffee.png')).metadata();
  assert.deepEqual(photo?.ok && [photo.width, photo.height, photo.format], [size.width, size.height, 'png']);
});

test('clip: "red" ranks a red image above a blue one, and "blue" the other way round', async (t) => {
  const e = embedders(t, tempDir(t));
  const images = await e.embedImages([await noisyImage([200, 30, 30]), await noisyImage([30, 40, 210])], ['clip']);
  const red = vectorsOf(images[0]).clip as Float32Array;
  const blue = vectorsOf(images[1]).clip as Float32Array;
  const [redText, blueText] = (await e.embedTexts(['a photo of a red car', 'navy blue'], 'clip')) as Float32Array[];
  assert.ok(dot(redText as Float32Array, red) > dot(redText as Float32Array, blue) + 0.3);
  assert.ok(dot(blueText as Float32Array, blue) > dot(blueText as Float32Array, red) + 0.3);
});

test('text: a synonym pair scores higher than an unrelated pair', async (t) => {
  const e = embedders(t, tempDir(t));
  const [car, automobile, puppy, dog, beach] = await e.embedTexts(
    ['my red car', 'a crimson automobile', 'a happy puppy', 'the joyful dog', 'the sea shore'],
    'text',
  );
  const pairs = { synonyms: dot(car!, automobile!), alsoSynonyms: dot(puppy!, dog!), unrelated: dot(car!, beach!) };
  assert.ok(pairs.synonyms > pairs.unrelated + 0.5, JSON.stringify(pairs));
  assert.ok(pairs.alsoSynonyms > dot(dog!, beach!) + 0.5, JSON.stringify(pairs));
});

test('colour: images and swatches of the same colour are close, different colours far', async (t) => {
  const e = embedders(t, tempDir(t));
  const { swatchDescriptor } = await import('../../main/engine/embed/colour-descriptor.js');
  const images = await e.embedImages(
    [await noisyImage([20, 30, 120]), await noisyImage([230, 200, 20]), await noisyImage([25, 35, 110], 200, 300, 7)],
    ['colour'],
  );
  const [navyImage, yellowImage, navyAgain] = images.map((r) => vectorsOf(r).colour as Float32Array) as [Float32Array, Float32Array, Float32Array];
  assert.ok(dot(navyImage, navyAgain) > 0.8, 'two navy photos');
  assert.ok(dot(navyImage, yellowImage) < 0.2, 'navy vs yellow');
  const navy = swatchDescriptor('navy');
  assert.ok(dot(navy, navyImage) > dot(navy, yellowImage) + 0.3);
  assert.ok(dot(swatchDescriptor('#e6c814'), yellowImage) > dot(swatchDescriptor('#e6c814'), navyImage) + 0.3);
  assert.throws(() => swatchDescriptor('glorpish'), /Unknown colour "glorpish"/);
  assert.throws(() => swatchDescriptor('Multi'), /"Multi" names no single colour/);
});

test('a large uniform background does not drown the colour of the subject', async (t) => {
  const e = embedders(t, tempDir(t));
  const { swatchDescriptor } = await import('../../main/engine/embed/colour-descriptor.js');
  // A red ball on a white table, against the same table with a blue ball.
  const scene = (ball: string): Promise<Buffer> =>
    sharp({ create: { width: 400, height: 300, channels: 3, background: '#f4f4f4' } })
      .composite([{ input: Buffer.from(`<svg width="400" height="300"><circle cx="200" cy="150" r="70" fill="${ball}"/></svg>`) }])
      .png()
      .toBuffer();
  const [red, blue] = (await e.embedImages([await scene('#c81e1e'), await scene('#1e3cc8')], ['colour'])).map(
    (r) => vectorsOf(r).colour as Float32Array,
  ) as [Float32Array, Float32Array];
  const redSwatch = swatchDescriptor('#c81e1e');
  // The ball covers 13% of the picture; its colour still separates the two clearly.
  assert.ok(dot(redSwatch, red) > 0.3, `red ball scores ${dot(redSwatch, red)}`);
  assert.ok(dot(redSwatch, red) > dot(redSwatch, blue) + 0.3);
});

test('a missing model gives a clear error naming the model, the space and the folder', async (t) => {
  const dir = tempDir(t);
  const config = resolveModelConfig({ SEMBLANCE_MODELS_DIR: path.join(dir, 'models'), SEMBLANCE_OFFLINE: '1' });
  const e = new Embedders({ config, threads: 1 });
  t.after(() => e.dispose());
  await assert.rejects(e.embedTexts(['hello'], 'text'), (error: unknown) => {
    assert.ok(error instanceof SemblanceError);
    assert.equal(error.code, 'not-found');
    assert.match(error.message, /The text model Xenova\/distilbert-base-nli-mean-tokens is not on this computer/);
    assert.match(error.message, /offline/);
    assert.ok(error.message.includes(path.join(dir, 'models', 'Xenova', 'distilbert-base-nli-mean-tokens')));
    assert.match(error.message, /SEMBLANCE_MODEL_TEXT/);
    return true;
  });
  // An incomplete local folder names what it lacks.
  const partial = resolveModelConfig({ SEMBLANCE_MODEL_CLIP: path.join(dir, 'half-a-model'), SEMBLANCE_OFFLINE: '1' });
  const e2 = new Embedders({ config: partial, threads: 1 });
  await assert.rejects(e2.embedTexts(['hello'], 'clip'), /The clip model folder .*half-a-model is incomplete/);
});
