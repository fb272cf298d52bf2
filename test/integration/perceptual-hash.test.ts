import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodeImage } from '../../main/engine/embed/decode-image.js';
import { nearestTurn, perceptualHashes, type PerceptualHashes } from '../../main/engine/duplicates/perceptual-hash.js';
import { libraryEngine } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { IMAGENET, imagenetMissing } from '../helpers/test-models.js';

/** Bits two pictures may differ by and still be the same photo (calibrated on 150 ImageNet photos; below). */
const SAME_PHOTO_BITS = 10;

const hashOf = async (input: Buffer): Promise<PerceptualHashes> => {
  const image = await decodeImage(input, 256);
  return perceptualHashes(image.pixels, image.width, image.height);
};

/** What happens to a photo without it becoming another picture: saved again, smaller, in another format, turned. */
const SAME_PHOTO: Record<string, (image: Sharp, width: number) => Sharp> = {
  'JPEG at quality 60': (image) => image.jpeg({ quality: 60 }),
  'half the size': (image, width) => image.resize(Math.round(width / 2)).jpeg({ quality: 85 }),
  PNG: (image) => image.png(),
  WebP: (image) => image.webp({ quality: 80 }),
  'turned 90°': (image) => image.rotate(90).jpeg({ quality: 90 }),
  'turned 180°': (image) => image.rotate(180).jpeg({ quality: 90 }),
  'turned 270°': (image) => image.rotate(270).jpeg({ quality: 90 }),
};

test('perceptual hashes: a photo re-saved, resized, converted or turned stays within 10 of 64 bits; different photos never come that near', { skip: imagenetMissing, timeout: 120_000 }, async () => {
  // 40 real photos of 40 ImageNet classes; neighbouring classes (sharks, dogs) are the hard negatives.
  const files = fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort().filter((_, i) => i % 25 === 0);
  assert.equal(files.length, 40);
  const originals: PerceptualHashes[] = [];
  const worst: Record<string, number> = {};
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(IMAGENET, file));
    const { width = 0 } = await sharp(bytes).metadata();
    const hashes = await hashOf(bytes);
    originals.push(hashes);
    for (const [change, apply] of Object.entries(SAME_PHOTO)) {
      const { distance } = nearestTurn(hashes, await hashOf(await apply(sharp(bytes), width).toBuffer()));
      worst[change] = Math.max(worst[change] ?? 0, distance);
    }
  }
  let nearestOther = 64;
  for (let i = 0; i < originals.length; i++) {
    for (let j = i + 1; j < originals.length; j++) nearestOther = Math.min(nearestOther, nearestTurn(originals[i] as PerceptualHashes, originals[j] as PerceptualHashes).distance);
  }
  console.log(`ℹ most bits changed: ${Object.entries(worst).map(([change, bits]) => `${change} ${bits}`).join(', ')}; nearest two different photos: ${nearestOther} bits`);
  for (const [change, bits] of Object.entries(worst)) assert.ok(bits <= SAME_PHOTO_BITS, `${change}: ${bits} bits`);
  assert.ok(nearestOther > SAME_PHOTO_BITS + 2, `two different photos ${nearestOther} bits apart`);
});

test('indexing keeps each picture\'s hashes by its content: a copy shares them, a re-saved copy is within a few bits', { skip: imagenetMissing, timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = path.join(dir, 'Pictures');
  fs.mkdirSync(folder);
  const original = path.join(IMAGENET, fs.readdirSync(IMAGENET).filter((f) => f.endsWith('.JPEG')).sort()[7] as string);
  fs.copyFileSync(original, path.join(folder, 'a.jpg'));
  fs.copyFileSync(original, path.join(folder, 'a copy.jpg'));
  await sharp(original).jpeg({ quality: 55 }).toFile(path.join(folder, 'a resaved.jpg'));
  const engine = libraryEngine(t, dir);
  await engine.index({ paths: [folder] });
  const rows = engine.store.rootItems((engine.store.roots()[0] as { id: number }).id, []);
  const byName = new Map(rows.map((row) => [path.basename(row.path ?? ''), row.contentHash as string]));
  const hashes = engine.store.pictureHashes([...byName.values()]);
  assert.equal(hashes.size, 2, 'one row for the two identical files, one for the re-saved one');
  const [a, resaved] = [hashes.get(byName.get('a.jpg') as string), hashes.get(byName.get('a resaved.jpg') as string)];
  assert.ok(a && resaved);
  assert.ok(nearestTurn({ hashes: a }, { hashes: resaved }).distance <= SAME_PHOTO_BITS);
});
