import { DUPLICATE_SIMILARITY, type DuplicateTier } from '../../../preload/contract.js';
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

/**
 * The same moment: bursts and edits (crops, exposure or colour changes, small shifts). Close in
 * the visual space (the cosine of centred vectors, see visual-neighbours.ts: edits and bursts
 * of one photo scored 0.74 or more, different photos at most 0.58 on real photos) and, when
 * both pictures have a capture date, taken within MOMENT_SECONDS of each other.
 */
export const MOMENT_COSINE = 0.68;
export const MOMENT_SECONDS = 30;
/** The lowest similarity the similar tier offers (and the scan keeps); the user picks above it. */
export const SIMILAR_FLOOR = DUPLICATE_SIMILARITY.floor;
export const SIMILAR_DEFAULT = DUPLICATE_SIMILARITY.default;


export interface DuplicateGroup {
  tier: DuplicateTier;
  /** Item ids, the suggested keeper first. */
  items: number[];
  /** The photo to keep, and why in words. */
  keeper: number;
  why: string;
  /** How alike the least alike two members are: hash bits apart (same photo) or cosine (same moment, similar). */
  spread: number | null;
}

/** Evidence between two pictures (content hashes, a < b): hash bits apart, or the centred visual cosine. */
export interface EvidencePair {
  a: string;
  b: string;
  score: number;
}

export interface Evidence {
  samePhoto: readonly EvidencePair[];
  look: readonly EvidencePair[];
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

export interface GroupOptions {
  tiers?: readonly DuplicateTier[];
  /** The similar tier's lowest centred cosine (SIMILAR_FLOOR to 1). */
  similarity?: number;
  /** Pairs the user said are not duplicates (content hashes, either order). */
  dismissed?: (a: string, b: string) => boolean;
}

export interface FindOptions extends GroupOptions {
  /** Colour descriptors by item id (unit vectors): the same-photo tier's confirmation. */
  colour: (ids: readonly number[]) => Map<number, Float32Array>;
  /** Visual neighbours (centred cosines), for the same-moment and similar tiers. */
  look?: readonly EvidencePair[];
}

/** Every tier from the pictures themselves (what a test or a one-off check wants). */
export function findDuplicates(pictures: readonly PictureFacts[], options: FindOptions): DuplicateGroup[] {
  const firsts = [...new Map(pictures.map((p) => [p.contentHash, p])).values()];
  return groupDuplicates(pictures, { samePhoto: samePhotoPairs(firsts, options.colour), look: options.look ?? [] }, options);
}

/**
 * Groups by tier from the evidence the scan kept. Grouping is transitive only within a tier,
 * by complete linkage: a picture joins a group only when it is within the tier's threshold of
 * every member, so a group never chains two unrelated photos through a middle one, and its
 * spread is bounded by the threshold.
 *
 * The same-moment and similar tiers group photos, not files: a photo and its re-saves (a
 * same-photo group) count as one, shown with all their files.
 */
export function groupDuplicates(pictures: readonly PictureFacts[], evidence: Evidence, options: GroupOptions = {}): DuplicateGroup[] {
  const tiers = new Set(options.tiers ?? ['identical', 'same-photo', 'same-moment']);
  const dismissed = options.dismissed ?? (() => false);
  const byContent = new Map<string, PictureFacts[]>();
  for (const picture of pictures) byContent.set(picture.contentHash, [...(byContent.get(picture.contentHash) ?? []), picture]);
  const groups: DuplicateGroup[] = [];
  if (tiers.has('identical')) {
    for (const copies of byContent.values()) if (copies.length > 1 && !dismissed(copies[0]?.contentHash as string, copies[0]?.contentHash as string)) groups.push(withKeeper('identical', copies, null));
  }
  const live = (pair: EvidencePair): boolean => byContent.has(pair.a) && byContent.has(pair.b) && !dismissed(pair.a, pair.b);
  // Same photo: fewer bits apart is closer.
  const samePhoto = completeLinkage(
    evidence.samePhoto.filter(live).map((pair) => ({ ...pair, score: -pair.score })),
  );
  if (tiers.has('same-photo')) {
    for (const group of samePhoto) groups.push(withKeeper('same-photo', group.members.flatMap((hash) => byContent.get(hash) ?? []), -group.weakest));
  }
  if (!tiers.has('same-moment') && !tiers.has('similar')) return groups;
  // One node per photo: a same-photo group stands for all its files.
  const photoOf = new Map<string, string>();
  for (const group of samePhoto) for (const member of group.members) photoOf.set(member, group.members[0] as string);
  const photo = (hash: string): string => photoOf.get(hash) ?? hash;
  const membersOf = new Map<string, string[]>();
  for (const hash of byContent.keys()) membersOf.set(photo(hash), [...(membersOf.get(photo(hash)) ?? []), hash]);
  const takenAt = (hash: string): number | null => {
    const dates = (membersOf.get(hash) ?? []).flatMap((member) => (byContent.get(member) ?? []).map((p) => p.takenAt)).filter((t): t is number => t !== null);
    return dates.length > 0 ? Math.min(...dates) : null;
  };
  const strongest = new Map<string, EvidencePair>();
  for (const pair of evidence.look.filter(live)) {
    const [x, y] = [photo(pair.a), photo(pair.b)].sort() as [string, string];
    if (x === y) continue;
    const key = `${x}|${y}`;
    if ((strongest.get(key)?.score ?? -Infinity) < pair.score) strongest.set(key, { a: x, b: y, score: pair.score });
  }
  const moment = (pair: EvidencePair): boolean => {
    if (pair.score < MOMENT_COSINE) return false;
    const [ta, tb] = [takenAt(pair.a), takenAt(pair.b)];
    return ta === null || tb === null || Math.abs(ta - tb) <= MOMENT_SECONDS * 1000;
  };
  const photoFiles = (members: readonly string[]): PictureFacts[] => members.flatMap((node) => (membersOf.get(node) ?? [node]).flatMap((hash) => byContent.get(hash) ?? []));
  const moments = completeLinkage([...strongest.values()].filter(moment));
  if (tiers.has('same-moment')) for (const group of moments) groups.push(withKeeper('same-moment', photoFiles(group.members), group.weakest));
  if (tiers.has('similar')) {
    const similarity = Math.max(SIMILAR_FLOOR, options.similarity ?? SIMILAR_DEFAULT);
    const momentOf = new Map<string, number>();
    moments.forEach((group, index) => group.members.forEach((member) => momentOf.set(member, index)));
    const apart = (pair: EvidencePair): boolean => momentOf.get(pair.a) === undefined || momentOf.get(pair.a) !== momentOf.get(pair.b);
    for (const group of completeLinkage([...strongest.values()].filter((pair) => pair.score >= similarity && apart(pair)))) {
      groups.push(withKeeper('similar', photoFiles(group.members), group.weakest));
    }
  }
  return groups;
}

/**
 * Complete linkage over scored pairs (higher is closer): the strongest pairs first, two groups
 * merge only when every member of one has a pair with every member of the other. Returns each
 * group's members and its weakest pair's score.
 */
export function completeLinkage(pairs: readonly EvidencePair[]): { members: string[]; weakest: number }[] {
  // Nodes as numbers, a pair's key as one number: a library's million pairs are looked up often.
  const ids = new Map<string, number>();
  const names: string[] = [];
  const idOf = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) {
      id = names.length;
      ids.set(name, id);
      names.push(name);
    }
    return id;
  };
  const edges = pairs.map((pair) => ({ a: idOf(pair.a), b: idOf(pair.b), score: pair.score }));
  const n = names.length;
  const key = (x: number, y: number): number => (x < y ? x * n + y : y * n + x);
  const score = new Map<number, number>();
  for (const edge of edges) score.set(key(edge.a, edge.b), Math.max(score.get(key(edge.a, edge.b)) ?? -Infinity, edge.score));
  edges.sort((x, y) => y.score - x.score || (names[x.a] as string).localeCompare(names[y.a] as string) || (names[x.b] as string).localeCompare(names[y.b] as string));
  const groupOf = new Map<number, { members: number[]; weakest: number }>();
  for (const { a, b, score: value } of edges) {
    const [ga, gb] = [groupOf.get(a) ?? { members: [a], weakest: Infinity }, groupOf.get(b) ?? { members: [b], weakest: Infinity }];
    if (ga === gb) continue;
    let weakest = Math.min(ga.weakest, gb.weakest, value);
    let linked = true;
    // Complete linkage: every member of one has a pair with every member of the other (the first gap ends the look).
    outer: for (const x of ga.members) {
      for (const y of gb.members) {
        const between = score.get(key(x, y));
        if (between === undefined) {
          linked = false;
          break outer;
        }
        weakest = Math.min(weakest, between);
      }
    }
    if (!linked) continue;
    const merged = { members: [...ga.members, ...gb.members], weakest };
    for (const member of merged.members) groupOf.set(member, merged);
  }
  return [...new Set(groupOf.values())].map((group) => ({ members: group.members.map((id) => names[id] as string), weakest: group.weakest }));
}

/**
 * Pairs of different files (one per content) that are the same photo: hashes near in some
 * turn, each pair confirmed by colour.
 */
export function samePhotoPairs(pictures: readonly PictureFacts[], colourOf: FindOptions['colour']): EvidencePair[] {
  const hashed = pictures.filter((p): p is PictureFacts & { hashes: [string, string, string, string] } => p.hashes !== null);
  const pairs = nearHashPairs(hashed.map((p) => p.hashes));
  if (pairs.length === 0) return [];
  const colours = colourOf([...new Set(pairs.flatMap(({ a, b }) => [(hashed[a] as PictureFacts).id, (hashed[b] as PictureFacts).id]))]);
  return pairs.filter(({ a, b }) => sameColours(colours.get((hashed[a] as PictureFacts).id), colours.get((hashed[b] as PictureFacts).id))).map(({ a, b, bits }) => {
    const [x, y] = [(hashed[a] as PictureFacts).contentHash, (hashed[b] as PictureFacts).contentHash].sort() as [string, string];
    return { a: x, b: y, score: bits };
  });
}

/**
 * Pairs of pictures (by index, a < b) whose hashes are at most SAME_PHOTO_BITS apart in some
 * turn. Candidates come from the hash chunks: no pair is compared unless they share one.
 */
export function nearHashPairs(hashes: readonly (readonly [string, string, string, string])[]): { a: number; b: number; bits: number }[] {
  // Entry e = picture × 4 + turn: its hash as two 32-bit words.
  const entries = hashes.length * 4;
  const [high, low] = [new Uint32Array(entries), new Uint32Array(entries)];
  hashes.forEach((turns, index) =>
    turns.forEach((hash, turn) => {
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
  for (let a = 0; a < hashes.length; a++) {
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
  return pairs;
}

/** The same-photo tier's confirmation: alike colour descriptors and the same mean colour. */
export function sameColours(x: Float32Array | undefined, y: Float32Array | undefined): boolean {
  if (!x || !y) return false;
  let cosine = 0;
  for (let i = 0; i < x.length; i++) cosine += (x[i] as number) * (y[i] as number);
  const [[l1, a1, b1], [l2, a2, b2]] = [meanLab(x), meanLab(y)];
  return cosine >= SAME_PHOTO_COLOUR && Math.abs(l1 - l2) <= SAME_PHOTO_MEAN_SHIFT && Math.hypot(a1 - a2, b1 - b2) <= SAME_PHOTO_MEAN_SHIFT;
}

/**
 * The photo to keep: the largest picture, then the least compressed (most bytes a pixel),
 * then the earliest taken, then the first indexed; said in words.
 */
function withKeeper(tier: DuplicateTier, pictures: readonly PictureFacts[], spread: number | null): DuplicateGroup {
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
    return { tier, spread, items: oldest.map((p) => p.id), keeper: first.id, why: older ? 'the same file: the oldest copy is kept' : 'the same file: the first one indexed is kept' };
  }
  if (pixels(keeper) > pixels(runnerUp)) why = `the largest: ${keeper.width} × ${keeper.height}`;
  else if (density(keeper) > density(runnerUp)) why = 'the least compressed at the same size';
  else if ((keeper.takenAt ?? Infinity) < (runnerUp.takenAt ?? Infinity)) why = 'the earliest taken, the others alike';
  else why = 'all alike: the first one indexed';
  return { tier, spread, items: ranked.map((p) => p.id), keeper: (ranked[0] as PictureFacts).id, why };
}
