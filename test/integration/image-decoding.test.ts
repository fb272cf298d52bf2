import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { EmbedPool } from '../../main/engine/embed/embed-pool.js';
import type { ImageEmbedding } from '../../main/engine/embed/embedders.js';
import { resolveModelConfig } from '../../main/engine/models/registry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_PHOTOS, dot, testModelEnv } from '../helpers/test-models.js';

function pool(t: { after(fn: () => unknown): void }, dir: string): EmbedPool {
  const p = new EmbedPool({ config: resolveModelConfig(testModelEnv(path.join(dir, 'models'))), size: 1, threads: 1 });
  t.after(() => p.close());
  return p;
}

/** A real, valid 20000×20000 PNG (1.2 GB of pixels) in about 1 MB, written row by row. */
async function hugePng(file: string): Promise<void> {
  const width = 20000;
  const height = 20000;
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) : crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const row = Buffer.alloc(1 + width * 3);
  for (let y = 0; y < height; y++) deflate.write(row);
  deflate.end();
  await done;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  fs.writeFileSync(file, Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', Buffer.alloc(0))]));
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

test('bad files each get a reason or a correct embedding, and never stop the others', async (t) => {
  const dir = tempDir(t);
  const good = path.join(DEBIAN_PHOTOS, 'chelsea.png');
  const jpeg = await sharp(good).jpeg().toBuffer();
  const files = {
    truncated: path.join(dir, 'truncated.jpg'),
    empty: path.join(dir, 'empty.jpg'),
    pngNamedJpg: path.join(dir, 'really-a-png.jpg'),
    huge: path.join(dir, 'huge.png'),
    text: path.join(dir, 'notes.jpg'),
    gone: path.join(dir, 'deleted-before-decode.jpg'),
  };
  fs.writeFileSync(files.truncated, jpeg.subarray(0, Math.floor(jpeg.length / 3)));
  fs.writeFileSync(files.empty, '');
  fs.copyFileSync(good, files.pngNamedJpg);
  await hugePng(files.huge);
  fs.writeFileSync(files.text, 'not an image at all\n');

  const p = pool(t, dir);
  const inputs = [good, ...Object.values(files)];
  const results = await p.embedImages(inputs, ['clip', 'visual', 'colour']);
  const byName = Object.fromEntries(Object.keys(files).map((name, i) => [name, results[i + 1] as ImageEmbedding]));
  const reason = (r: ImageEmbedding | undefined): string => (r && !r.ok ? r.reason : 'no error');

  assert.ok(results[0]?.ok, 'the good photo among them is embedded');
  assert.match(reason(byName['truncated']), /^the image is damaged or incomplete/);
  assert.match(reason(byName['empty']), /^(the file is empty|not an image format Semblance can read)/);
  assert.match(reason(byName['huge']), /^the image is larger than 100 megapixels/);
  assert.match(reason(byName['text']), /^not an image format Semblance can read/);
  assert.match(reason(byName['gone']), /^the file is gone/);

  // A PNG named .jpg is read by its content: the same vectors as under its real name.
  const renamed = byName['pngNamedJpg'];
  assert.ok(renamed?.ok && results[0]?.ok);
  for (const space of ['clip', 'visual', 'colour'] as const) {
    assert.deepEqual(renamed.vectors[space], results[0].vectors[space]);
  }
});

test('orientation, alpha, grey, CMYK and 16-bit images decode to what they show', async (t) => {
  const dir = tempDir(t);
  const p = pool(t, dir);
  const red = { r: 210, g: 30, b: 40 };
  const base = sharp({ create: { width: 300, height: 200, channels: 3, background: red } });
  const inputs = {
    srgb: await base.clone().jpeg().toBuffer(),
    cmyk: await base.clone().toColourspace('cmyk').jpeg().toBuffer(),
    sixteenBit: await base.clone().toColourspace('rgb16').png().toBuffer(),
    // Transparent everywhere except a red square: flattened on white, not on black.
    alpha: await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await base.clone().resize(100, 100).png().toBuffer(), left: 100, top: 50 }])
      .png()
      .toBuffer(),
    grey: await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .greyscale()
      .png()
      .toBuffer(),
    // Stored 300 wide and 200 high, with EXIF orientation 6: shown 200 wide and 300 high.
    rotated: await base.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
  };
  const results = await p.embedImages(Object.values(inputs), ['clip', 'colour']);
  const [srgb, cmyk, sixteenBit, alpha, grey, rotated] = results.map((r) => {
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r;
  }) as Extract<ImageEmbedding, { ok: true }>[];
  const colour = (r: Extract<ImageEmbedding, { ok: true }> | undefined): Float32Array => r?.vectors.colour as Float32Array;
  const { swatchDescriptor } = await import('../../main/engine/embed/colour-descriptor.js');
  // CMYK without a profile converts to a slightly different red (211, 16, 15): still red.
  assert.ok(dot(colour(srgb), colour(cmyk)) > 0.7, 'CMYK red is close to sRGB red (0.80 measured)');
  assert.ok(dot(colour(cmyk), swatchDescriptor('red')) > dot(colour(cmyk), swatchDescriptor('blue')) + 0.3, 'CMYK red is red');
  assert.ok(dot(colour(srgb), colour(sixteenBit)) > 0.97, '16-bit red is red (0.988 measured)');
  const { decodeImage } = await import('../../main/engine/embed/decode-image.js');
  const pixels = (await decodeImage(inputs.sixteenBit, 100)).pixels;
  assert.deepEqual([...pixels.subarray(0, 3)].map((v, c) => Math.abs(v - [210, 30, 40][c]!) <= 1), [true, true, true], `16-bit decodes to 8-bit: ${[...pixels.subarray(0, 3)]}`);
  assert.ok(dot(colour(srgb), colour(grey)) < 0.2, 'grey is not red');
  assert.ok(dot(colour(alpha), swatchDescriptor('white')) > dot(colour(alpha), swatchDescriptor('black')) + 0.5, 'alpha on white');
  assert.deepEqual([rotated?.width, rotated?.height], [200, 300]);
  assert.deepEqual([srgb?.width, srgb?.height, srgb?.format], [300, 200, 'jpeg']);
});
