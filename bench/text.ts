import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeImage } from '../main/engine/embed/decode-image.js';
import { pictureLikelyHasText } from '../main/engine/text/likely-text.js';
import { MAX_PIXELS, TextReader, turnsFor } from '../main/engine/text/text-reader.js';
import { buildVisionTower } from './models/clip-vit-b32.js';
import { buildResNet18 } from './models/resnet-distilbert.js';

export interface TextBenchResult {
  pages: number;
  pagesPerSecond: number;
  /** Drawn pages the quick look passed on to be read (all of them, or text is lost). */
  pagesPassed: number;
  photos: number;
  /** Every photo read (no quick look). */
  photosPerSecond: number;
  /** The quick look first, only the photos it passes read. */
  photosPerSecondWithLook: number;
  /** Of the photos, where something was still read as text (every photo read). */
  photosWithText: number;
  /** ... and how many of those the quick look passed. */
  photosWithTextPassed: number;
  /** The quick look alone, over a larger sample. */
  look: { photos: number; passed: number; msPerPhoto: number };
  /** One photo's indexing with the default models' architectures on one thread (decode, CLIP ViT-B/32, ResNet-18). */
  indexSecondsPerPhoto: number;
}

/**
 * Reading text: drawn receipt-like pages (640×480, 6 lines) and real photos (ImageNet, from
 * ../shared; a few hold words), one Tesseract worker, one at a time as the job reads them;
 * every photo read against the quick look for lines of letters first (likely-text.ts); and,
 * for the share of indexing time, one photo's indexing on one thread with the default models'
 * architectures (random weights, the same arithmetic).
 */
export async function benchText(imagenet: string, pages: number, photos: number): Promise<TextBenchResult> {
  const reader = new TextReader();
  try {
    const drawn: Buffer[] = [];
    for (let i = 0; i < pages; i++) {
      const lines = [`SHOP ${i}`, `Date 2024-03-${String((i % 28) + 1).padStart(2, '0')}`, `Milk 2 x 1.${i % 10}9`, 'Bread 2.49', `Coffee ${8 + (i % 3)}.99`, `TOTAL ${14 + i}.06`];
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="100%" height="100%" fill="#fbfaf5"/>${lines.map((line, n) => `<text x="30" y="${60 + n * 60}" font-family="DejaVu Sans, sans-serif" font-size="30">${line}</text>`).join('')}</svg>`;
      drawn.push(await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer());
    }
    await reader.read(drawn[0] as Buffer); // the worker's start is not a page's cost
    let started = performance.now();
    for (const page of drawn) await reader.read(page);
    const pageSeconds = (performance.now() - started) / 1000;
    let pagesPassed = 0;
    for (const page of drawn) if ((await pictureLikelyHasText(page, MAX_PIXELS)).likely) pagesPassed++;

    const all = fs.existsSync(imagenet) ? fs.readdirSync(imagenet).filter((f) => f.endsWith('.JPEG')).sort().map((f) => path.join(imagenet, f)) : [];
    // Every 12th: a few of ImageNet's photos hold words (a brand, a sign, a date stamp).
    const sample = all.filter((_, i) => i % 12 === 0).slice(0, photos);
    started = performance.now();
    const withText = new Set<string>();
    for (const file of sample) if ((await reader.read(file)).words.length > 0) withText.add(file);
    const photoSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    let photosWithTextPassed = 0;
    for (const file of sample) {
      const look = await pictureLikelyHasText(file, MAX_PIXELS);
      if (!look.likely) continue;
      await reader.read(file, turnsFor(look)); // as the job reads: only the turns the look points to
      if (withText.has(file)) photosWithTextPassed++;
    }
    const lookedSeconds = (performance.now() - started) / 1000;

    const larger = all.filter((_, i) => i % 6 === 0);
    started = performance.now();
    let passed = 0;
    for (const file of larger) if ((await pictureLikelyHasText(file, MAX_PIXELS)).likely) passed++;
    const look = { photos: larger.length, passed, msPerPhoto: ((performance.now() - started) / Math.max(1, larger.length)) };

    return {
      pages,
      pagesPerSecond: pages / pageSeconds,
      pagesPassed,
      photos: sample.length,
      photosPerSecond: sample.length / Math.max(photoSeconds, 1e-9),
      photosPerSecondWithLook: sample.length / Math.max(lookedSeconds, 1e-9),
      photosWithText: withText.size,
      photosWithTextPassed,
      look,
      indexSecondsPerPhoto: await indexingPerPhoto(sample.slice(0, 16)),
    };
  } finally {
    await reader.close();
  }
}

/** Seconds to index one photo on one thread: decode once, CLIP ViT-B/32's vision tower and ResNet-18 (batches of 8). */
export async function indexingPerPhoto(files: readonly string[]): Promise<number> {
  if (files.length < 8) return Number.NaN;
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const [vision, resnet] = [await ort.InferenceSession.create(buildVisionTower('fp32'), options), await ort.InferenceSession.create(buildResNet18(), options)];
  const pixels = new ort.Tensor('float32', new Float32Array(8 * 3 * 224 * 224).map((_, i) => Math.sin(i) * 0.5), [8, 3, 224, 224]);
  await vision.run({ pixel_values: pixels }); // the first run allocates
  await resnet.run({ pixel_values: pixels });
  const started = performance.now();
  for (let at = 0; at + 8 <= files.length; at += 8) {
    for (const file of files.slice(at, at + 8)) await decodeImage(file, 256);
    await vision.run({ pixel_values: pixels });
    await resnet.run({ pixel_values: pixels });
  }
  const seconds = (performance.now() - started) / 1000 / (Math.floor(files.length / 8) * 8);
  await Promise.all([vision.release(), resnet.release()]);
  return seconds;
}
