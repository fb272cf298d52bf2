import { createRequire } from 'node:module';
import type * as Tesseract from 'tesseract.js';

/**
 * Words printed in a picture, read by Tesseract (tesseract.js: Tesseract's LSTM engine built to
 * WebAssembly, its binaries in the npm package) with the English model of
 * `@tesseract.js-data/eng`, from the package's folder: nothing is downloaded, nothing is
 * written beside the app.
 *
 * Pictures are read at a bounded size (a 100 MP scan is scaled so its long side is at most
 * MAX_SIDE) and, when upright reading finds little, turned by 90°, 180° and 270° in case the page
 * was photographed or scanned on its side: the turn with the most confident words wins.
 */
export interface ReadWord {
  text: string;
  /** 0-100, Tesseract's. */
  confidence: number;
  /** In the picture's own pixels (EXIF orientation applied), upright. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface ReadText {
  text: string;
  words: ReadWord[];
  /** The turn (clockwise, degrees) the picture was read at. */
  turned: 0 | 90 | 180 | 270;
  /** Mean confidence of the words kept. */
  confidence: number;
}

/** Long side of what is read: 100 MP scans are read at this size (small print stays readable on a page). */
export const MAX_SIDE = 3000;
/** Larger pictures are refused (a decompression bomb), in words; a 100 MP scan is well within. */
export const MAX_PIXELS = 250_000_000;
/** Words below this confidence are noise (textures, foliage read as letters), not text. */
export const MIN_WORD_CONFIDENCE = 60;
/** Upright reading that finds fewer confident words than this tries the other turns. */
const TRY_TURNS_BELOW = 3;

function english(): { langPath: string; gzip: boolean } {
  try {
    return createRequire(import.meta.url)('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
  } catch {
    throw new Error('the English text model is not installed (the npm package @tesseract.js-data/eng): run npm install');
  }
}

export class TextReader {
  private worker: Promise<Tesseract.Worker> | undefined;

  /** Starts Tesseract with the English model (once); throws, in words, when it cannot. */
  start(): Promise<Tesseract.Worker> {
    this.worker ??= (async () => {
      const { createWorker, OEM } = (await import('tesseract.js')).default;
      const { langPath, gzip } = english();
      // cacheMethod none: the model is read from the package each start, never copied into the working folder.
      return createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip, cacheMethod: 'none' });
    })();
    // A failed start is not kept: the next one tries again (the model installed meanwhile).
    this.worker.catch(() => (this.worker = undefined));
    return this.worker;
  }

  /** Reads a picture (any format sharp reads). Throws, in words, when the file cannot be decoded. */
  async read(file: string | Buffer): Promise<ReadText> {
    const { default: sharp } = await import('sharp');
    const worker = await this.start();
    const metadata = await sharp(file, { limitInputPixels: MAX_PIXELS }).metadata();
    // metadata() is of the file as stored: an EXIF turn of 90° or 270° swaps the sides.
    const swapped = (metadata.orientation ?? 1) >= 5;
    const [width, height] = swapped ? [metadata.height ?? 0, metadata.width ?? 0] : [metadata.width ?? 0, metadata.height ?? 0];
    if (!width || !height) throw new Error('not a picture that can be decoded');
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    // Decoded once, upright, at the size read; the other turns are turns of this.
    const upright = await sharp(file, { limitInputPixels: MAX_PIXELS }).rotate().resize(Math.round(width * scale), Math.round(height * scale), { fit: 'fill' }).greyscale().png().toBuffer();
    let best: ReadText | null = null;
    for (const turned of [0, 90, 180, 270] as const) {
      const picture = turned === 0 ? upright : await sharp(upright).rotate(turned).png().toBuffer();
      const { data } = await worker.recognize(picture, {}, { blocks: true, text: true });
      const words = wordsOf(data).filter(isWord);
      const reading: ReadText = {
        // Lines as Tesseract found them, in reading order.
        text: linesOf(words),
        words: words.map(({ text, confidence, box }) => ({ text, confidence, box: unturn(box, turned, width * scale, height * scale, 1 / scale) })),
        turned,
        confidence: words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0,
      };
      if (!best || weight(reading) > weight(best)) best = reading;
      // Upright and plainly text: the other turns are not tried (they cost three more reads).
      if (turned === 0 && words.filter((w) => alnum(w.text) >= 3 && w.confidence >= 75).length >= TRY_TURNS_BELOW) break;
    }
    // Scattered short readings with no word of three letters are a photo's texture, not text.
    const chosen = best as ReadText;
    if (!chosen.words.some((w) => alnum(w.text) >= 3 && w.confidence >= 70)) return { text: '', words: [], turned: 0, confidence: 0 };
    return chosen;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker).terminate();
  }
}

/** Words joined by spaces within a line, lines by newlines. */
function linesOf(words: readonly (ReadWord & { line: number })[]): string {
  const lines = new Map<number, string[]>();
  for (const word of words) lines.set(word.line, [...(lines.get(word.line) ?? []), word.text]);
  return [...lines.values()].map((line) => line.join(' ')).join('\n');
}

const alnum = (text: string): number => (text.match(/[\p{L}\p{N}]/gu) ?? []).length;

/**
 * A word, not noise: two letters or digits read with some confidence, or a lone one read with
 * much (textures and foliage read as scattered single letters).
 */
function isWord(word: ReadWord): boolean {
  const letters = alnum(word.text);
  return (letters >= 2 && word.confidence >= MIN_WORD_CONFIDENCE) || (letters === 1 && word.confidence >= 85);
}

/** How much a reading found: confident letters. */
function weight(reading: ReadText): number {
  return reading.words.reduce((sum, word) => sum + word.confidence * Math.min(alnum(word.text), 12), 0);
}

function wordsOf(page: Tesseract.Page): (ReadWord & { line: number })[] {
  const out: (ReadWord & { line: number })[] = [];
  let line = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const row of paragraph.lines) {
        for (const word of row.words) out.push({ text: word.text.trim(), confidence: word.confidence, box: word.bbox, line });
        line++;
      }
    }
  }
  return out.filter((word) => word.text.length > 0);
}

/**
 * A box found in the picture turned clockwise by `turned`, back in the upright picture's pixels
 * (`width` × `height` is the upright size that was read), then scaled to the original.
 */
function unturn(box: ReadWord['box'], turned: 0 | 90 | 180 | 270, width: number, height: number, scale: number): ReadWord['box'] {
  const points = [
    [box.x0, box.y0],
    [box.x1, box.y1],
  ].map(([x, y]) => {
    const [px, py] = [x as number, y as number];
    if (turned === 90) return [py, height - px];
    if (turned === 180) return [width - px, height - py];
    if (turned === 270) return [width - py, px];
    return [px, py];
  });
  const [[ax, ay], [bx, by]] = points as [[number, number], [number, number]];
  return {
    x0: Math.round(Math.min(ax, bx) * scale),
    y0: Math.round(Math.min(ay, by) * scale),
    x1: Math.round(Math.max(ax, bx) * scale),
    y1: Math.round(Math.max(ay, by) * scale),
  };
}
