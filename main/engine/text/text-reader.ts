import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as Tesseract from 'tesseract.js';

/**
 * Words printed in a picture, read by Tesseract (tesseract.js: Tesseract's LSTM engine built to
 * WebAssembly, its binaries in the npm package) with the language models chosen (English by
 * default, from the npm package `@tesseract.js-data/eng`; others from their
 * `@tesseract.js-data/<code>` packages or a `<code>.traineddata` file put in
 * `<models folder>/tesseract/`): nothing is downloaded, nothing is written beside the app.
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
export type Turn = 0 | 90 | 180 | 270;
const ALL_TURNS: readonly Turn[] = [0, 90, 180, 270];

/**
 * The turns worth reading, from which way the quick look saw lines run: across, upright or
 * upside down; down, on either side; both or neither, all four.
 */
export function turnsFor(look: { across: number; down: number }): Turn[] {
  if (look.across > 0 && look.down === 0) return [0, 180];
  if (look.down > 0 && look.across === 0) return [90, 270];
  if (look.across >= look.down) return [0, 180, 90, 270];
  return [90, 270, 0, 180];
}

/** Upright reading that finds fewer confident words than this tries the other turns. */
const TRY_TURNS_BELOW = 3;

/** Tesseract's language codes: ISO 639-2 (eng, deu, fra), with a script or variant (chi_sim). */
export const LANGUAGE_CODE = /^[a-z]{3}(_[a-z]{3,5})?$/;

/** "German (deu)": the language's English name, from the code. */
export function languageName(code: string): string {
  let name = code;
  try {
    name = new Intl.DisplayNames(['en'], { type: 'language' }).of(code.split('_')[0] as string) ?? code;
  } catch {
    // Not a code Intl knows: the code alone.
  }
  return name === code ? code : `${name} (${code})`;
}

/**
 * A language's trained model: the npm package `@tesseract.js-data/<code>` (English ships with
 * Semblance), else `<code>.traineddata` or `.traineddata.gz` in `folder` (tessdata_fast's
 * files, put there by hand). Throws, in words, saying where to get it.
 */
export function languageModel(code: string, folder: string | null): string {
  if (!LANGUAGE_CODE.test(code)) throw new Error(`"${code}" is not a language code Tesseract uses (eng, deu, fra, chi_sim…)`);
  try {
    const found = createRequire(import.meta.url)(`@tesseract.js-data/${code}`) as { langPath: string; gzip: boolean };
    const file = path.join(found.langPath, `${code}.traineddata${found.gzip ? '.gz' : ''}`);
    if (fs.existsSync(file)) return file;
  } catch {
    // Not installed as a package: the folder is next.
  }
  for (const name of [`${code}.traineddata.gz`, `${code}.traineddata`]) {
    const file = folder ? path.join(folder, name) : null;
    if (file && fs.existsSync(file)) return file;
  }
  throw new Error(
    `the ${languageName(code)} text model is not installed: put ${code}.traineddata (from github.com/tesseract-ocr/tessdata_fast) in ${folder ?? 'the models folder\'s tesseract folder'}, or install the npm package @tesseract.js-data/${code}`,
  );
}

export class TextReader {
  private worker: Promise<Tesseract.Worker> | undefined;
  private languages: string[] = ['eng'];

  /**
   * @param folder where hand-copied language models are looked for (`<models folder>/tesseract`).
   */
  constructor(private readonly folder: string | null = null) {}

  /**
   * Starts Tesseract with these languages (once; again when they change); throws, in words,
   * when a language's model is not installed, before anything is read.
   */
  start(languages: readonly string[] = this.languages): Promise<Tesseract.Worker> {
    const wanted = [...new Set(languages.length > 0 ? languages : ['eng'])];
    if (this.worker && wanted.join('+') !== this.languages.join('+')) void this.close();
    this.languages = wanted;
    this.worker ??= (async () => {
      const files = wanted.map((code) => languageModel(code, this.folder));
      const { createWorker, OEM } = (await import('tesseract.js')).default;
      // tesseract.js reads every language from one folder: a temporary one with a link to each
      // model where it is (a copy where links are not allowed), removed once they are loaded.
      const langPath = fs.mkdtempSync(path.join(os.tmpdir(), 'semblance-tessdata-'));
      try {
        wanted.forEach((code, i) => {
          // Named .gz whether it is or not: Tesseract.js looks at the first bytes to unzip.
          const link = path.join(langPath, `${code}.traineddata.gz`);
          try {
            fs.symlinkSync(files[i] as string, link);
          } catch {
            fs.copyFileSync(files[i] as string, link);
          }
        });
        // cacheMethod none: the models are read where they are each start, never copied into the working folder.
        return await createWorker(wanted.join('+'), OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
      } finally {
        fs.rmSync(langPath, { recursive: true, force: true });
      }
    })();
    // A failed start is not kept: the next one tries again (the model installed meanwhile).
    this.worker.catch(() => (this.worker = undefined));
    return this.worker;
  }

  /**
   * Reads a picture (any format sharp reads). Throws, in words, when the file cannot be decoded.
   * `turns`: the turns to try, in order, when the first does not plainly read (the quick look
   * knows whether lines run across or down; default all four, upright first).
   */
  async read(file: string | Buffer, turns: readonly Turn[] = ALL_TURNS): Promise<ReadText> {
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
    for (const [tried, turned] of turns.entries()) {
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
      // Plainly text at the first turn: the others are not tried (each costs another read).
      if (tried === 0 && words.filter((w) => alnum(w.text) >= 3 && w.confidence >= 75).length >= TRY_TURNS_BELOW) break;
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
