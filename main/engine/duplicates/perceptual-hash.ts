import sharp from 'sharp';

/**
 * A perceptual hash (the DCT hash of pHash): the picture in grey at 32×32, its 2-D DCT, and
 * one bit per low frequency (the 8×8 block after the constant row and column) saying whether
 * it is above their median. A re-save, a resize, a format change or stripped EXIF moves few
 * of the 64 bits; a different photo moves about half. It is computed from the decode the
 * indexer already has (EXIF orientation applied), so it costs no second read of the file.
 *
 * Rotated copies (a photo turned 90° in an editor, its EXIF orientation dropped) are caught
 * by hashing the picture four ways: `hashes[r]` is the hash of the picture turned r × 90°
 * clockwise. Two pictures are the same photo, turned, when any of one's hashes is near the
 * other's upright hash.
 *
 * Written here rather than taken from sharp-phash (MIT, the same algorithm): that package
 * decodes the file again and hashes one orientation, and its DCT is the O(N⁴) textbook
 * loop; this one is separable (O(N³)) and hashes the four turns of one 32×32 grid.
 */
export const HASH_SIDE = 32;
const LOW = 8;

/** Cosine table of the DCT-II: COS[k][n] = cos((2n + 1) k π / 2N). */
const COS = Array.from({ length: LOW + 1 }, (_, k) => Float64Array.from({ length: HASH_SIDE }, (_, n) => Math.cos(((2 * n + 1) * k * Math.PI) / (2 * HASH_SIDE))));

export interface PerceptualHashes {
  /** The hash of the picture turned 0°, 90°, 180° and 270° clockwise, as 16 hex digits each. */
  hashes: [string, string, string, string];
}

/** The hashes of an 8-bit RGB picture (row-major, 3 channels). */
export async function perceptualHashes(pixels: Buffer, width: number, height: number): Promise<PerceptualHashes> {
  const grey = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .greyscale()
    .resize(HASH_SIDE, HASH_SIDE, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const grid = Float64Array.from(grey.subarray(0, HASH_SIDE * HASH_SIDE));
  const hashes = [0, 1, 2, 3].map((turns) => hashOf(turn(grid, turns))) as [string, string, string, string];
  return { hashes };
}

/** The grid turned `turns` × 90° clockwise. */
function turn(grid: Float64Array, turns: number): Float64Array {
  if (turns === 0) return grid;
  const n = HASH_SIDE;
  const out = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const [tx, ty] = turns === 1 ? [n - 1 - y, x] : turns === 2 ? [n - 1 - x, n - 1 - y] : [y, n - 1 - x];
      out[ty * n + tx] = grid[y * n + x] as number;
    }
  }
  return out;
}

/** The 64-bit hash of a 32×32 grid: the low frequencies 1..8 × 1..8 against their median. */
function hashOf(grid: Float64Array): string {
  const n = HASH_SIDE;
  // Rows first: for each row y, its frequencies u = 1..8; then the columns of those.
  const rows = new Float64Array(n * LOW);
  for (let y = 0; y < n; y++) {
    for (let u = 1; u <= LOW; u++) {
      const cos = COS[u] as Float64Array;
      let sum = 0;
      for (let x = 0; x < n; x++) sum += (grid[y * n + x] as number) * (cos[x] as number);
      rows[y * LOW + (u - 1)] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 1; v <= LOW; v++) {
    const cos = COS[v] as Float64Array;
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++) sum += (rows[y * LOW + u] as number) * (cos[y] as number);
      coefficients[(v - 1) * LOW + u] = sum;
    }
  }
  const median = [...coefficients].sort((a, b) => a - b)[LOW * LOW / 2] as number;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | ((coefficients[nibble * 4 + bit] as number) > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/** Set bits of a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** How many of the 64 bits differ between two hashes. */
export function hammingDistance(a: string, b: string): number {
  const word = (hash: string, i: number): number => parseInt(hash.slice(i * 8, i * 8 + 8), 16);
  return popcount((word(a, 0) ^ word(b, 0)) >>> 0) + popcount((word(a, 1) ^ word(b, 1)) >>> 0);
}

/** The nearest two pictures come to each other, any turn of `b` against `a` upright (and which turn). */
export function nearestTurn(a: PerceptualHashes, b: PerceptualHashes): { distance: number; turns: number } {
  let best = { distance: 65, turns: 0 };
  b.hashes.forEach((hash, turns) => {
    const distance = hammingDistance(a.hashes[0], hash);
    if (distance < best.distance) best = { distance, turns };
  });
  return best;
}
