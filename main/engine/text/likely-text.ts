/**
 * Does a picture hold text? A cheap test before the expensive reading: the classic
 * connected-component text detector (Epshtein et al. 2010 and the MSER detectors after it),
 * small enough to write here (an OpenCV build would add 8 MB of WebAssembly for two of its
 * functions). Letters are blobs darker (or lighter) than their surroundings, of similar
 * heights, standing in a row with gaps smaller than themselves; a row of several such blobs is
 * a line of text, across or down the picture (a page photographed on its side). Texture
 * (foliage, fur, gravel) makes blobs too, but rarely blobs of one height in a straight row.
 *
 * It runs on a greyscale copy whose long side is at most SIDE pixels, in tens of
 * milliseconds. A line of letters smaller than about 6 pixels at that size (under 1% of the
 * picture's height) is not seen: small print on a large photo is missed by design.
 */

/** Long side the test looks at. */
export const SIDE = 1024;
/** A row of at least this many letter-like blobs is a line of text. */
export const MIN_LINE = 4;

export interface TextLikelihood {
  /** Lines of at least MIN_LINE blobs found (across and down). */
  lines: number;
  /** Blobs in those lines. */
  letters: number;
  /** Letters in lines running across (an upright or upside-down page) and down (one on its side). */
  across: number;
  down: number;
  likely: boolean;
}

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/** Tests a greyscale picture (one byte a pixel, row by row). */
export function textLikelihood(grey: Uint8Array, width: number, height: number): TextLikelihood {
  const integral = integralOf(grey, width, height);
  let lines = 0;
  let letters = 0;
  let [acrossLetters, downLetters] = [0, 0];
  for (const polarity of [1, -1] as const) {
    const blobs = blobsOf(inkOf(grey, integral, width, height, polarity), width, height);
    for (const across of [true, false]) {
      const found = rowsOf(blobs, across);
      lines += found.lines;
      letters += found.letters;
      if (across) acrossLetters += found.letters;
      else downLetters += found.letters;
    }
  }
  return { lines, letters, across: acrossLetters, down: downLetters, likely: lines >= 1 };
}

/** Summed-area table (one row and column of zeros in front), for local means in O(1). */
function integralOf(grey: Uint8Array, width: number, height: number): Float64Array {
  const w = width + 1;
  const sum = new Float64Array(w * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += grey[y * width + x] as number;
      sum[(y + 1) * w + x + 1] = (sum[y * w + x + 1] as number) + row;
    }
  }
  return sum;
}

/** Local window (pixels either side) and contrast a letter stands out from its background by. */
const RADIUS = 12;
const CONTRAST = 30;
/**
 * Neighbouring letters: the gap at most GAP × the taller one's height, heights within RATIO of
 * each other, baselines (or tops) within ALIGN × the height. Chosen on 167 ImageNet photos
 * (1 in 6 of ../shared's sample) and drawn pages: every photo Tesseract finds real words in
 * passes, 27 of 167 pass in all (see bench/text.ts).
 */
const GAP = 0.6;
const RATIO = 1.4;
const ALIGN = 0.08;

/** Pixels clearly darker (polarity 1) or lighter (-1) than the mean around them. */
function inkOf(grey: Uint8Array, integral: Float64Array, width: number, height: number, polarity: 1 | -1): Uint8Array {
  const ink = new Uint8Array(width * height);
  const w = width + 1;
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - RADIUS);
    const y1 = Math.min(height, y + RADIUS + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - RADIUS);
      const x1 = Math.min(width, x + RADIUS + 1);
      const total = (integral[y1 * w + x1] as number) - (integral[y0 * w + x1] as number) - (integral[y1 * w + x0] as number) + (integral[y0 * w + x0] as number);
      const mean = total / ((y1 - y0) * (x1 - x0));
      const difference = (mean - (grey[y * width + x] as number)) * polarity;
      if (difference > CONTRAST) ink[y * width + x] = 1;
    }
  }
  return ink;
}

/** Connected ink (8-neighbours) with a letter's size and shape. */
function blobsOf(ink: Uint8Array, width: number, height: number): Blob[] {
  const blobs: Blob[] = [];
  const stack = new Int32Array(width * height);
  const maxHeight = Math.max(8, Math.round(Math.max(width, height) / 4));
  for (let start = 0; start < ink.length; start++) {
    if (ink[start] !== 1) continue;
    ink[start] = 2;
    let top = 0;
    stack[top++] = start;
    const blob: Blob = { x0: width, y0: height, x1: 0, y1: 0, pixels: 0 };
    while (top > 0) {
      const at = stack[--top] as number;
      const x = at % width;
      const y = (at - x) / width;
      blob.pixels++;
      if (x < blob.x0) blob.x0 = x;
      if (x > blob.x1) blob.x1 = x;
      if (y < blob.y0) blob.y0 = y;
      if (y > blob.y1) blob.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (ink[next] === 1) {
            ink[next] = 2;
            stack[top++] = next;
          }
        }
      }
    }
    const w = blob.x1 - blob.x0 + 1;
    const h = blob.y1 - blob.y0 + 1;
    const fill = blob.pixels / (w * h);
    // A letter: at least 6 pixels in its long side, not a page-sized region, neither a speck nor
    // a solid block, neither a long bar (a rule, a horizon).
    const long = Math.max(w, h);
    const short = Math.min(w, h);
    if (long >= 6 && long <= maxHeight && blob.pixels >= 10 && fill > 0.12 && fill < 0.9 && short * 6 >= long) blobs.push(blob);
  }
  return blobs;
}

/**
 * Rows of blobs (across), or columns (down, the same with the axes swapped): each blob is
 * joined to the nearest blob after it on its baseline (or top line), of a similar height, close
 * to it. Returns rows of MIN_LINE or more.
 */
function rowsOf(blobs: readonly Blob[], across: boolean): { lines: number; letters: number } {
  // In the reading direction: a = along the line, b = across it.
  const items = blobs
    .map((blob) => (across ? { a0: blob.x0, a1: blob.x1, b0: blob.y0, b1: blob.y1 } : { a0: blob.y0, a1: blob.y1, b0: blob.x0, b1: blob.x1 }))
    .sort((p, q) => p.a0 - q.a0);
  const next = new Int32Array(items.length).fill(-1);
  const hasPrevious = new Uint8Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const p = items[i] as (typeof items)[number];
    const size = p.b1 - p.b0 + 1;
    let best = -1;
    let bestGap = Infinity;
    for (let j = i + 1; j < items.length; j++) {
      const q = items[j] as (typeof items)[number];
      if (q.a0 - p.a1 > size * GAP) break; // sorted by start: every later one starts further away
      const gap = q.a0 - p.a1;
      if (gap < -size / 4 || gap >= bestGap) continue;
      const otherSize = q.b1 - q.b0 + 1;
      const larger = Math.max(size, otherSize);
      if (otherSize * RATIO < size || size * RATIO < otherSize) continue;
      if (gap > larger * GAP) continue;
      // Letters of a line share a baseline or a top (x-height letters beside ascenders or descenders).
      if (Math.abs(q.b1 - p.b1) > larger * ALIGN && Math.abs(q.b0 - p.b0) > larger * ALIGN) continue;
      best = j;
      bestGap = gap;
    }
    if (best >= 0 && !hasPrevious[best]) {
      next[i] = best;
      hasPrevious[best] = 1;
    }
  }
  let lines = 0;
  let letters = 0;
  for (let i = 0; i < items.length; i++) {
    if (hasPrevious[i]) continue;
    let length = 0;
    for (let at = i; at >= 0; at = next[at] as number) length++;
    if (length >= MIN_LINE) {
      lines++;
      letters += length;
    }
  }
  return { lines, letters };
}

/** The test on a picture file or buffer (EXIF orientation applied), at most SIDE pixels long. */
export async function pictureLikelyHasText(file: string | Buffer, limitInputPixels: number): Promise<TextLikelihood> {
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(file, { limitInputPixels })
    .rotate()
    .resize(SIDE, SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return textLikelihood(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}
