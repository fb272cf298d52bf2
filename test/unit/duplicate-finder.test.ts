import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLOUR_DIMS } from '../../main/engine/embed/colour-descriptor.js';
import { findDuplicates } from '../../main/engine/duplicates/duplicate-finder.js';
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
