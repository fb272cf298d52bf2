import { findDuplicates } from '../main/engine/duplicates/duplicate-finder.js';
import { popcount } from '../main/engine/duplicates/perceptual-hash.js';
import { COLOUR_DIMS } from '../main/engine/embed/colour-descriptor.js';
import type { PictureFacts } from '../main/engine/store/picture-hashes.js';

export interface DuplicatesBenchResult {
  pictures: number;
  /** Seconds to group the same-photo tier (multi-index hashing). */
  seconds: number;
  /** Seconds of comparing every pair (each picture's upright hash with every turn of every other), where it was run. */
  bruteForceSeconds: number | null;
  /** Planted near-copies (4 to 10 bits away) found, of those planted. */
  plantedFound: number;
  planted: number;
}

/** mulberry32: reproducible hashes from a seed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (x ^ (x >>> 14)) >>> 0;
  };
}

/**
 * The same-photo tier's grouping over synthetic perceptual hashes (uniform 64-bit hashes in four
 * turns; one picture in 20 a near-copy of the one before it, 4 to 10 bits away), its colour check
 * always passing: the cost of finding the pairs, against comparing every pair at the smaller sizes.
 */
export function benchDuplicates(pictures: number, bruteForce: boolean): DuplicatesBenchResult {
  const random = generator(pictures);
  const hex = (): string => random().toString(16).padStart(8, '0') + random().toString(16).padStart(8, '0');
  const near = (hash: string, bits: number): string => {
    let value = BigInt(`0x${hash}`);
    const flipped = new Set<number>();
    while (flipped.size < bits) flipped.add(random() % 64);
    for (const bit of flipped) value ^= 1n << BigInt(bit);
    return value.toString(16).padStart(16, '0');
  };
  const facts: PictureFacts[] = [];
  const plantedPairs: [number, number][] = [];
  for (let i = 0; i < pictures; i++) {
    const previous = facts[i - 1];
    const planted = previous !== undefined && i % 20 === 0;
    const upright = planted ? near((previous.hashes as string[])[0] as string, 4 + (random() % 7)) : hex();
    if (planted) plantedPairs.push([i, i + 1]);
    facts.push({ id: i + 1, path: `/bench/${i}.jpg`, contentHash: `c${i}`, width: 100, height: 100, sizeBytes: 1000, takenAt: null, mtimeMs: 0, hashes: [upright, hex(), hex(), hex()] });
  }
  const colour = new Float32Array(COLOUR_DIMS);
  colour[0] = 1;
  const started = performance.now();
  const groups = findDuplicates(facts, { tiers: ['same-photo'], colour: (ids) => new Map(ids.map((id) => [id, colour])) });
  const seconds = (performance.now() - started) / 1000;
  const together = (a: number, b: number): boolean => groups.some((g) => g.items.includes(a) && g.items.includes(b));
  let bruteForceSeconds: number | null = null;
  if (bruteForce) {
    const words = facts.map((f) => (f.hashes as string[]).map((h) => [parseInt(h.slice(0, 8), 16), parseInt(h.slice(8), 16)] as const));
    const begin = performance.now();
    let near10 = 0;
    for (let a = 0; a < words.length; a++) {
      const [h, l] = (words[a] as (readonly [number, number])[])[0] as readonly [number, number];
      for (let b = a + 1; b < words.length; b++) {
        for (const [bh, bl] of words[b] as (readonly [number, number])[]) if (popcount((h ^ bh) >>> 0) + popcount((l ^ bl) >>> 0) <= 10) near10++;
      }
    }
    bruteForceSeconds = (performance.now() - begin) / 1000;
    if (near10 < plantedPairs.length) throw new Error('the brute force found fewer pairs than were planted');
  }
  return { pictures, seconds, bruteForceSeconds, plantedFound: plantedPairs.filter(([a, b]) => together(a, b)).length, planted: plantedPairs.length };
}
