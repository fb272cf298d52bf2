import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { TextReader } from '../main/engine/text/text-reader.js';

export interface TextBenchResult {
  pages: number;
  pagesPerSecond: number;
  photos: number;
  photosPerSecond: number;
  /** Photos (no text in them) where something was still read as text. */
  photosWithText: number;
}

/**
 * Reading text: drawn receipt-like pages (640×480, 6 lines) and real photos with no text in
 * them (ImageNet, from ../shared), one Tesseract worker, one at a time as the job reads them.
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
    const files = fs.existsSync(imagenet) ? fs.readdirSync(imagenet).filter((f) => f.endsWith('.JPEG')).sort().filter((_, i) => i % 37 === 0).slice(0, photos) : [];
    started = performance.now();
    let photosWithText = 0;
    for (const file of files) if ((await reader.read(path.join(imagenet, file))).words.length > 0) photosWithText++;
    const photoSeconds = (performance.now() - started) / 1000;
    return { pages, pagesPerSecond: pages / pageSeconds, photos: files.length, photosPerSecond: files.length / Math.max(photoSeconds, 1e-9), photosWithText };
  } finally {
    await reader.close();
  }
}
