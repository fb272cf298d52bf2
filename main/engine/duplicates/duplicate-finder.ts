import { meanLab } from '../embed/colour-descriptor.js';
import type { PictureFacts } from '../store/picture-hashes.js';
import { popcount } from './perceptual-hash.js';

/**
 * Duplicates in tiers, each with its own evidence:
 * - identical: the same bytes (the same content hash);
 * - same photo: the same picture saved again, resized, converted, stripped of EXIF or turned:
 *   perceptual hashes at most SAME_PHOTO_BITS apart in some turn (pHash ignores tone), confirmed
 *   by the colour descriptors: alike (cosine ≥ SAME_PHOTO_COLOUR) and with the same mean
 *   colour (within SAME_PHOTO_MEAN_SHIFT in lightness and in colour), which keeps exposure and
 *   colour edits out: those are the same moment, not the same photo.
 *
 * The thresholds come from real photos (perceptual-hash.test.ts and the calibration in the
 * duplicates issue's note): a re-save, a resize, PNG/WebP or a turn changes at most 8 of 64
 * bits and keeps the colour cosine ≥ 0.999; two different photos are 16 or more bits apart
 * and their colour cosine stays below 0.96.
 */
export const SAME_PHOTO_BITS = 10;
export const SAME_PHOTO_COLOUR = 0.99;
/**
 * The largest change of the mean colour (CIELAB; about 2.3 is the smallest difference people
 * see) that is still the same photo: a re-save, a resize, PNG/WebP or a turn moves it by at
 * most 0.74 in lightness and 1.21 in colour on real photos; +0.3 EV moves lightness by 6-10.
 */
export const SAME_PHOTO_MEAN_SHIFT = 2;

export type DuplicateTier = 'identical' | 'same-photo';

export interface DuplicateGroup {
  tier: DuplicateTier;
  /** Item ids, the suggested keeper first. */
  items: number[];
  /** The photo to keep, and why in words. */
  keeper: number;
  why: string;
}

/**
 * Multi-index hashing: the 64 bits in 4 chunks of 16. Two hashes at most 10 bits apart differ
 * by at most 2 bits in at least one chunk (were every chunk 3 or more apart, the whole would be
 * 12), so looking each chunk up with every change of up to 2 of its bits (137 probes) finds
 * every pair. Buckets are linked lists in typed arrays, one entry per picture and turn, and a
 * candidate costs two 32-bit popcounts: 100,000 pictures take seconds, not minutes.
 */
const CHUNKS = 4;
const PROBES: Int32Array = (() => {
  const masks = [0];
  for (let i = 0; i < 16; i++) masks.push(1 << i);
  for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) masks.push((1 << i) | (1 << j));
  return Int32Array.from(masks);
})();

export interface FindOptions {
  tiers?: readonly DuplicateTier[];
  /** Colour descriptors by item id (unit vectors): the same-photo tier's confirmation. */
  colour: (ids: readonly number[]) => Map<number, Float32Array>;
}

export function findDuplicates(pictures: readonly PictureFacts[], options: FindOptions): DuplicateGroup[] {
  const tiers = new Set(options.tiers ?? ['identical', 'same-photo']);
  const byContent = new Map<string, PictureFacts[]>();
  for (const picture of pictures) byContent.set(picture.contentHash, [...(byContent.get(picture.contentHash) ?? []), picture]);
  const groups: DuplicateGroup[] = [];
  if (tiers.has('identical')) {
    for (const copies of byContent.values()) if (copies.length > 1) groups.push(withKeeper('identical', copies));
  }
  if (tiers.has('same-photo')) {
    for (const contents of samePhotoGroups([...byContent.values()].map((copies) => copies[0] as PictureFacts), options.colour)) {
      groups.push(withKeeper('same-photo', contents.flatMap((picture) => byContent.get(picture.contentHash) ?? [])));
    }
  }
  return groups;
}

/**
 * Groups of different files (one per content) that are the same photo. Candidates come from
 * the hash chunks (no pair of the library is compared unless they share a chunk); a group
 * only grows by a picture within the threshold of every member, so it never chains
 * unrelated photos through a middle one.
 */
function samePhotoGroups(pictures: readonly PictureFacts[], colourOf: FindOptions['colour']): PictureFacts[][] {
  const hashed = pictures.filter((p): p is PictureFacts & { hashes: [string, string, string, string] } => p.hashes !== null);
  // Entry e = picture × 4 + turn: its hash as two 32-bit words.
  const entries = hashed.length * 4;
  const [high, low] = [new Uint32Array(entries), new Uint32Array(entries)];
  hashed.forEach((picture, index) =>
    picture.hashes.forEach((hash, turn) => {
      high[index * 4 + turn] = parseInt(hash.slice(0, 8), 16);
      low[index * 4 + turn] = parseInt(hash.slice(8, 16), 16);
    }),
  );
  const chunk = (e: number, c: number): number => (c < 2 ? (high[e] as number) : (low[e] as number)) >>> (c % 2 === 0 ? 16 : 0) & 0xffff;
  const heads = Array.from({ length: CHUNKS }, () => new Int32Array(65_536).fill(-1));
  const nexts = Array.from({ length: CHUNKS }, () => new Int32Array(entries));
  for (let e = 0; e < entries; e++) {
    for (let c = 0; c < CHUNKS; c++) {
      const head = heads[c] as Int32Array;
      const value = chunk(e, c);
      (nexts[c] as Int32Array)[e] = head[value] as number;
      head[value] = e;
    }
  }
  const pairs: { a: number; b: number; bits: number }[] = [];
  const best = new Map<number, number>();
  for (let a = 0; a < hashed.length; a++) {
    best.clear();
    const [h, l] = [high[a * 4] as number, low[a * 4] as number];
    for (let c = 0; c < CHUNKS; c++) {
      const [head, next, value] = [heads[c] as Int32Array, nexts[c] as Int32Array, chunk(a * 4, c)];
      for (const mask of PROBES) {
        for (let e = head[value ^ mask] as number; e >= 0; e = next[e] as number) {
          const b = e >> 2;
          if (b <= a) continue;
          const bits = popcount((h ^ (high[e] as number)) >>> 0) + popcount((l ^ (low[e] as number)) >>> 0);
          if (bits <= SAME_PHOTO_BITS && bits < (best.get(b) ?? Infinity)) best.set(b, bits);
        }
      }
    }
    for (const [b, bits] of best) pairs.push({ a, b, bits });
  }
  if (pairs.length === 0) return [];
  const colours = colourOf([...new Set(pairs.flatMap(({ a, b }) => [(hashed[a] as PictureFacts).id, (hashed[b] as PictureFacts).id]))]);
  const sameColours = (a: number, b: number): boolean => {
    const [x, y] = [colours.get((hashed[a] as PictureFacts).id), colours.get((hashed[b] as PictureFacts).id)];
    if (!x || !y) return false;
    let cosine = 0;
    for (let i = 0; i < x.length; i++) cosine += (x[i] as number) * (y[i] as number);
    const [[l1, a1, b1], [l2, a2, b2]] = [meanLab(x), meanLab(y)];
    return cosine >= SAME_PHOTO_COLOUR && Math.abs(l1 - l2) <= SAME_PHOTO_MEAN_SHIFT && Math.hypot(a1 - a2, b1 - b2) <= SAME_PHOTO_MEAN_SHIFT;
  };
  const confirmed = pairs.filter(({ a, b }) => sameColours(a, b)).sort((x, y) => x.bits - y.bits || x.a - y.a || x.b - y.b);
  const near = new Set(confirmed.map(({ a, b }) => `${a}:${b}`));
  const isNear = (a: number, b: number): boolean => near.has(a < b ? `${a}:${b}` : `${b}:${a}`);
  const groupOf = new Map<number, number[]>();
  for (const { a, b } of confirmed) {
    const [ga, gb] = [groupOf.get(a) ?? [a], groupOf.get(b) ?? [b]];
    if (ga === gb) continue;
    // Complete linkage: every member of one group near every member of the other.
    if (!ga.every((x) => gb.every((y) => isNear(x, y)))) continue;
    const merged = [...ga, ...gb];
    for (const member of merged) groupOf.set(member, merged);
  }
  return [...new Set(groupOf.values())].map((members) => members.map((index) => hashed[index] as PictureFacts));
}

/**
 * The photo to keep: the largest picture, then the least compressed (most bytes a pixel),
 * then the earliest taken, then the first indexed; said in words.
 */
function withKeeper(tier: DuplicateTier, pictures: readonly PictureFacts[]): DuplicateGroup {
  const pixels = (p: PictureFacts): number => (p.width ?? 0) * (p.height ?? 0);
  const density = (p: PictureFacts): number => (p.sizeBytes ?? 0) / Math.max(1, pixels(p));
  const ranked = [...pictures].sort(
    (x, y) => pixels(y) - pixels(x) || density(y) - density(x) || (x.takenAt ?? Infinity) - (y.takenAt ?? Infinity) || x.id - y.id,
  );
  const [keeper, runnerUp] = ranked as [PictureFacts, PictureFacts];
  let why: string;
  if (tier === 'identical') {
    // The same bytes: the oldest file is likely the original, the others its copies.
    const oldest = [...pictures].sort((x, y) => (x.mtimeMs ?? Infinity) - (y.mtimeMs ?? Infinity) || x.id - y.id);
    const first = oldest[0] as PictureFacts;
    const older = (oldest[1] as PictureFacts).mtimeMs !== first.mtimeMs;
    return { tier, items: oldest.map((p) => p.id), keeper: first.id, why: older ? 'the same file: the oldest copy is kept' : 'the same file: the first one indexed is kept' };
  }
  if (pixels(keeper) > pixels(runnerUp)) why = `the largest: ${keeper.width} × ${keeper.height}`;
  else if (density(keeper) > density(runnerUp)) why = 'the least compressed at the same size';
  else if ((keeper.takenAt ?? Infinity) < (runnerUp.takenAt ?? Infinity)) why = 'the earliest taken, the others alike';
  else why = 'all alike: the first one indexed';
  return { tier, items: ranked.map((p) => p.id), keeper: (ranked[0] as PictureFacts).id, why };
}
