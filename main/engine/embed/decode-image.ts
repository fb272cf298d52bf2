import fs from 'node:fs';
import exifReader from 'exif-reader';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { SemblanceError } from '../errors.js';

/** Larger images are refused before decoding: a 20000×20000 PNG would need 1.2 GB of RAM. */
export const MAX_INPUT_PIXELS = 100_000_000;

export interface DecodedImage {
  /** 8-bit sRGB, 3 channels, row-major, EXIF orientation applied, alpha flattened on white. */
  pixels: Buffer;
  width: number;
  height: number;
  /** The image as stored, after orientation: what the library shows as its dimensions. */
  original: { width: number; height: number; format: string; takenAt: number | null; caption: string | null };
}

/**
 * Decodes an image once, already shrunk so its shorter side is `shortSide` (never enlarged).
 * libvips shrinks JPEGs while decoding (shrink-on-load), so a 12 MP photo costs a fraction of
 * a full decode. Every model input and the colour descriptor are derived from this result.
 */
export async function decodeImage(input: string | Buffer, shortSide: number, name = describe(input)): Promise<DecodedImage> {
  try {
    const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
    const metadata = await sharp(input, options).metadata();
    if (!metadata.width || !metadata.height) throw new Error('the file has no image dimensions');
    const turned = (metadata.orientation ?? 1) >= 5;
    const original = {
      width: turned ? metadata.height : metadata.width,
      height: turned ? metadata.width : metadata.height,
      format: metadata.format ?? 'unknown',
      takenAt: metadata.exif ? takenAt(metadata.exif) : null,
      caption: captionOf(metadata.exif, metadata.xmp),
    };
    const { data, info } = await sharp(input, options)
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize({ width: shortSide, height: shortSide, fit: 'outside', withoutEnlargement: true })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    return { pixels: data, width: info.width, height: info.height, original };
  } catch (error) {
    throw new SemblanceError('bad-input', `${name}: ${explain(error, input)}`, { cause: error });
  }
}

/**
 * When the photo was taken, from EXIF DateTimeOriginal (exif-reader reads it as local time
 * without a zone, as cameras write it). Broken EXIF is ignored: the file time serves then.
 */
function takenAt(exif: Buffer): number | null {
  try {
    const date = exifReader(exif).Photo?.DateTimeOriginal;
    const time = date instanceof Date ? date.getTime() : Number.NaN;
    return Number.isFinite(time) ? time : null;
  } catch {
    return null;
  }
}

const xmlParser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, textNodeName: 'text' });

/**
 * A photo's own title and description: XMP dc:title and dc:description (what Lightroom,
 * digiKam and phones write), else EXIF ImageDescription. Searchable through the text space.
 */
function captionOf(exif: Buffer | undefined, xmp: Buffer | undefined): string | null {
  const parts: string[] = [];
  if (xmp) {
    try {
      const found: string[] = [];
      collect(xmlParser.parse(xmp.toString('utf8')) as unknown, found);
      parts.push(...found);
    } catch {
      // Broken XMP says nothing.
    }
  }
  if (parts.length === 0 && exif) {
    try {
      const description = exifReader(exif).Image?.ImageDescription;
      if (typeof description === 'string' && description.trim()) parts.push(description.trim());
    } catch {
      // Broken EXIF says nothing.
    }
  }
  const caption = [...new Set(parts)].join('. ').trim();
  return caption ? caption.slice(0, 500) : null;
}

/** The texts under every title or description element, wherever they sit in the XMP tree. */
function collect(node: unknown, out: string[], inside = false): void {
  if (typeof node === 'string' || typeof node === 'number') {
    if (inside && String(node).trim()) out.push(String(node).trim());
    return;
  }
  if (Array.isArray(node)) {
    for (const child of node) collect(child, out, inside);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) collect(child, out, inside || key === 'title' || key === 'description');
  }
}

/**
 * sharp's and libvips's messages, in words a person can act on. libvips's message can be lost
 * when threads fail at once ("Unknown error"): a JPEG or PNG whose end marker is missing is then
 * still called what it is, damaged or incomplete, from its own bytes.
 */
export function explain(error: unknown, input?: string | Buffer): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return `the image is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels, so it is not decoded (a safeguard against decompression bombs)`;
  }
  if (/unsupported image format|Input buffer contains unsupported/i.test(message)) return 'not an image format Semblance can read';
  if (/Input file is missing|ENOENT/i.test(message)) return 'the file is gone';
  if (/EACCES|permission denied/i.test(message)) return 'permission denied';
  if (/empty|zero-length|Input buffer is empty/i.test(message)) return 'the file is empty';
  if (/premature end|truncated|unexpected end|Corrupt|corrupt|bad huffman|not enough data|read error/i.test(message)) {
    return `the image is damaged or incomplete (${message.split('\n')[0]})`;
  }
  if (input !== undefined && endsEarly(input)) return `the image is damaged or incomplete (it ends before its end marker; ${message.split('\n')[0]})`;
  return `cannot decode the image (${message.split('\n')[0]})`;
}

/** A JPEG without its closing FF D9, or a PNG without its IEND chunk: a file cut short. */
function endsEarly(input: string | Buffer): boolean {
  try {
    let head: Buffer;
    let tail: Buffer;
    if (typeof input === 'string') {
      const fd = fs.openSync(input, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        head = Buffer.alloc(Math.min(8, size));
        fs.readSync(fd, head, 0, head.length, 0);
        tail = Buffer.alloc(Math.min(32, size));
        fs.readSync(fd, tail, 0, tail.length, Math.max(0, size - tail.length));
      } finally {
        fs.closeSync(fd);
      }
    } else [head, tail] = [input.subarray(0, 8), input.subarray(Math.max(0, input.length - 32))];
    if (head[0] === 0xff && head[1] === 0xd8) return !tail.includes(Buffer.from([0xff, 0xd9]));
    if (head.subarray(1, 4).toString('latin1') === 'PNG') return !tail.includes(Buffer.from('IEND', 'latin1'));
    return false;
  } catch {
    return false;
  }
}

function describe(input: string | Buffer): string {
  return typeof input === 'string' ? input : `image of ${input.byteLength} bytes`;
}
