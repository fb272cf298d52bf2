import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLOUR_DIMS } from '../../main/engine/embed/colour-descriptor.js';
import { MOMENT_COSINE, findDuplicates, groupDuplicates, type EvidencePair } from '../../main/engine/duplicates/duplicate-finder.js';
import type { PictureFacts } from '../../main/engine/store/picture-hashes.js';

/** A hash with the first `flipped` of its 64 bits set (the others clear). */
const hashWith = (flipped: number): string => (flipped === 0 ? 0n : ((1n << BigInt(flipped)) - 1n) << BigInt(64 - flipped)).toString(16).padStart(16, '0');
/** Far from every hashWith(n): a pattern of alternate bits. */
const FAR = 'aaaaaaaaaaaaaaaa';

function picture(id: number, upright: string, extra: Partial<PictureFacts> = {}): PictureFacts {
  return { id, path: `/p/${id}.jpg`, contentHash: `c${id}`, width: 100, height: 100, sizeBytes: 10_000, takenAt: null, mtimeMs: 1_000, hashes: [upright, FAR, FAR, FAR], ...extra };
}

/** One colour for everything: the colour check passes, the hashes decide. */
const sameColour = (ids: readonly number[]): Map<number, Float32Array> => {
  const grey = new Float32Array(COLOUR_DIMS);
  grey[Math.floor(COLOUR_DIMS / 2)] = 1;
  return new Map(ids.map((id) => [id, grey]));
};

test('a same-photo group never chains unrelated pictures through a middle one', () => {
  // 1 and 2 are 8 bits apart, 2 and 3 are 8 bits apart, 1 and 3 are 16: two pairs at most, never one group of three.
  const groups = findDuplicates([picture(1, hashWith(0)), picture(2, hashWith(8)), picture(3, hashWith(16))], { tiers: ['same-photo'], colour: sameColour });
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0]?.items.slice().sort(), [1, 2]);
});

test('identical files group by content; the keeper of a same-photo group is the largest, then the least compressed, then the earliest', () => {
  const groups = findDuplicates(
    [
      picture(1, hashWith(0), { contentHash: 'same', mtimeMs: 5_000 }),
      picture(2, hashWith(0), { contentHash: 'same', mtimeMs: 2_000 }),
      picture(3, hashWith(2), { width: 200, height: 200 }),
      picture(4, hashWith(4), { sizeBytes: 30_000 }),
    ],
    { colour: sameColour },
  );
  const identical = groups.find((g) => g.tier === 'identical');
  assert.deepEqual(identical?.items, [2, 1], 'the older file of the two is kept');
  assert.equal(identical?.why, 'the same file: the oldest copy is kept');
  const same = groups.find((g) => g.tier === 'same-photo');
  assert.equal(same?.keeper, 3);
  assert.equal(same?.why, 'the largest: 200 × 200');
  assert.deepEqual(same?.items, [3, 4, 1, 2], 'the copies of a content come along, the least compressed before them');
  assert.deepEqual(findDuplicates([picture(1, hashWith(0), { contentHash: 'x' }), picture(2, hashWith(0), { contentHash: 'x' })], { colour: sameColour })[0]?.why, 'the same file: the first one indexed is kept');
  const withoutLargest = findDuplicates([picture(4, hashWith(4), { sizeBytes: 30_000 }), picture(5, hashWith(0))], { colour: sameColour });
  assert.equal(withoutLargest[0]?.keeper, 4);
  assert.equal(withoutLargest[0]?.why, 'the least compressed at the same size');
});

test('a picture without hashes (indexed before they were kept) is in no same-photo group, and no colour means no confirmation', () => {
  assert.deepEqual(findDuplicates([picture(1, hashWith(0)), picture(2, hashWith(0), { hashes: null })], { colour: sameColour }), []);
  assert.deepEqual(findDuplicates([picture(1, hashWith(0)), picture(2, hashWith(2))], { colour: () => new Map() }), []);
});

test('every pair within 10 bits is found, however its changed bits fall among the hash\'s chunks, among 2,000 other pictures', () => {
  // mulberry32: a small generator whose 16-bit slices are uniform (an LCG's low bits are not).
  let seed = 7;
  const random16 = (): string => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (((x ^ (x >>> 14)) >>> 0) & 0xffff).toString(16).padStart(4, '0');
  };
  const randomHash = (): string => random16() + random16() + random16() + random16();
  /** Flips `counts[c]` bits in chunk c (16 bits each). */
  const flipped = (hash: string, counts: number[]): string => {
    let value = BigInt(`0x${hash}`);
    counts.forEach((count, c) => {
      for (let bit = 0; bit < count; bit++) value ^= 1n << BigInt(63 - (c * 16 + bit * 5));
    });
    return value.toString(16).padStart(16, '0');
  };
  const layouts = [
    [3, 3, 2, 2],
    [3, 3, 3, 1],
    [0, 0, 0, 3],
    [2, 2, 2, 2],
    [5, 5, 0, 0],
  ];
  const pictures: PictureFacts[] = [];
  for (let i = 0; i < 2_000; i++) pictures.push(picture(i + 1, randomHash(), { hashes: [randomHash(), randomHash(), randomHash(), randomHash()] }));
  layouts.forEach((counts, i) => {
    const source = pictures[i * 10] as PictureFacts;
    pictures.push(picture(10_000 + i, flipped((source.hashes as string[])[0] as string, counts), { hashes: [flipped((source.hashes as string[])[0] as string, counts), randomHash(), randomHash(), randomHash()] }));
  });
  const groups = findDuplicates(pictures, { tiers: ['same-photo'], colour: sameColour });
  for (const [i] of layouts.entries()) {
    const planted = 10_000 + i;
    assert.ok(groups.some((g) => g.items.includes(planted) && g.items.includes(i * 10 + 1)), `the pair changed in chunks ${layouts[i]?.join('/')} is found`);
  }
});

/** Visual evidence between pictures c<x> and c<y>: a centred cosine. */
const look = (x: number, y: number, score: number): EvidencePair => {
  const [a, b] = [`c${x}`, `c${y}`].sort() as [string, string];
  return { a, b, score };
};

test('the same moment needs looks alike and, where both have dates, seconds apart; a group of the same moment never chains', () => {
  const at = (seconds: number): number => Date.UTC(2024, 5, 1, 12, 0, seconds);
  const pictures = [1, 2, 3, 4, 5, 6].map((id) => picture(id, FAR, { hashes: null }));
  pictures[0] = picture(1, FAR, { hashes: null, takenAt: at(0) });
  pictures[1] = picture(2, FAR, { hashes: null, takenAt: at(2) });
  pictures[2] = picture(3, FAR, { hashes: null, takenAt: at(50) }); // alike, but 50 s later: not the same moment
  const groups = groupDuplicates(
    pictures,
    { samePhoto: [], look: [look(1, 2, 0.9), look(1, 3, 0.9), look(2, 3, 0.9), look(4, 5, 0.8), look(5, 6, 0.8), look(4, 6, 0.3)] },
    { tiers: ['same-moment', 'similar'], similarity: 0.5 },
  );
  const of = (tier: string): number[][] => groups.filter((g) => g.tier === tier).map((g) => [...g.items].sort());
  // 4~5 and 5~6, but 4 and 6 are not alike: one pair, never the three.
  assert.deepEqual(of('same-moment'), [[1, 2], [4, 5]]);
  assert.ok(groups.filter((g) => g.tier === 'same-moment').every((g) => (g.spread ?? 0) >= MOMENT_COSINE), 'a group\'s least alike pair is within the tier');
  // 3 is like 1 and 2 but taken later: similar, not the same moment; 6, left out of 4 and 5's moment, is still similar to 5.
  assert.deepEqual(of('similar'), [[1, 3], [5, 6]]);
  // Dismissed pairs never group again.
  const dismissed = groupDuplicates(pictures, { samePhoto: [], look: [look(1, 2, 0.9)] }, { tiers: ['same-moment'], dismissed: (a, b) => [a, b].sort().join() === 'c1,c2' });
  assert.deepEqual(dismissed, []);
});

test('the same moment counts a photo and its re-saves as one: a burst frame joins the photo with all its files', () => {
  const pictures = [picture(1, hashWith(0)), picture(2, hashWith(2)), picture(3, FAR, { hashes: null })];
  const groups = groupDuplicates(pictures, { samePhoto: [{ a: 'c1', b: 'c2', score: 2 }], look: [look(1, 3, 0.8)] }, { tiers: ['same-photo', 'same-moment'] });
  assert.deepEqual(groups.find((g) => g.tier === 'same-photo')?.items.slice().sort(), [1, 2]);
  assert.deepEqual(groups.find((g) => g.tier === 'same-moment')?.items.slice().sort(), [1, 2, 3]);
});
