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

/** Random 64-bit hashes (16 hex digits), and a hash with `bits` of its bits flipped: a near-copy's. */
function hashMaker(random: () => number): { hex: () => string; near: (hash: string, bits: number) => string } {
  return {
    hex: () => random().toString(16).padStart(8, '0') + random().toString(16).padStart(8, '0'),
    near: (hash, bits) => {
      let value = BigInt(`0x${hash}`);
      const flipped = new Set<number>();
      while (flipped.size < bits) flipped.add(random() % 64);
      for (const bit of flipped) value ^= 1n << BigInt(bit);
      return value.toString(16).padStart(16, '0');
    },
  };
}

/**
 * The same-photo tier's grouping over synthetic perceptual hashes (uniform 64-bit hashes in four
 * turns; one picture in 20 a near-copy of the one before it, 4 to 10 bits away), its colour check
 * always passing: the cost of finding the pairs, against comparing every pair at the smaller sizes.
 */
export function benchDuplicates(pictures: number, bruteForce: boolean): DuplicatesBenchResult {
  const random = generator(pictures);
  const { hex, near } = hashMaker(random);
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

export interface DuplicateJobBenchResult {
  pictures: number;
  /** The whole-library check (checkDuplicates: hashes, pixels of candidate pairs, visual neighbours). */
  checkSeconds: number;
  picturesPerSecond: number;
  pairs: number;
  /** Planted same-photo pairs and same-moment pairs found in their tiers, of those planted. */
  samePhotoFound: number;
  samePhotoPlanted: number;
  momentFound: number;
  momentPlanted: number;
  /** New photos checked against the library after an index, per photo (ms), and how many. */
  incrementalMsPerPhoto: number;
  newPhotos: number;
  /** Grouping the kept evidence when the view opens (ms), and with the similar tier too (at the default similarity). */
  groupsMs: number;
  similarGroupsMs: number;
}

/**
 * The duplicate job on an engine: `pictures` photos with synthetic hashes and clustered 512-d
 * visual vectors (the search bench's generator: a few hundred centres), one in 20 followed by
 * a re-save of it (hash 4-10 bits away, the same thumbnail) and one in 20 by a burst frame (a
 * visual vector near it, taken 1 s later). Thumbnails (160 px) exist for the planted pairs
 * only: the pixel check reads those; the others have no candidate to check. Then 100 new
 * photos are checked as an index would check them.
 */
export async function benchDuplicateJob(pictures: number, dir: string): Promise<DuplicateJobBenchResult> {
  const [{ default: sharp }, { Engine }, fs, path] = await Promise.all([import('sharp'), import('../main/engine/engine.js'), import('node:fs'), import('node:path')]);
  const engine = Engine.open({ databaseFile: path.join(dir, `duplicates-${pictures}`, 'library.db'), env: { SEMBLANCE_MODELS_DIR: path.join(dir, 'models'), SEMBLANCE_OFFLINE: '1' }, pool: { size: 1, threads: 1 } });
  try {
    const random = generator(pictures + 1);
    const uniform = (): number => random() / 4294967296 - 0.5;
    const { hex, near } = hashMaker(random);
    const DIMS = 512;
    engine.store.setSpaceModel('visual', 'bench/visual', DIMS);
    engine.store.setSpaceModel('colour', 'bench/colour', COLOUR_DIMS);
    const centres = Array.from({ length: 300 }, () => Float32Array.from({ length: DIMS }, uniform));
    const colour = new Float32Array(COLOUR_DIMS);
    colour[0] = 1;
    const library = engine.services.library;
    const thumbnail = async (hash: string, seed: number): Promise<void> => {
      const pixels = Buffer.alloc(160 * 120 * 3);
      for (let p = 0; p < pixels.length; p++) pixels[p] = (seed * 31 + (p % 480) * 7 + Math.floor(p / 480) * 13) % 256;
      fs.mkdirSync(path.dirname(library.thumbnailOf(hash)), { recursive: true });
      await sharp(pixels, { raw: { width: 160, height: 120, channels: 3 } }).webp().toFile(library.thumbnailOf(hash));
    };
    const planted: { a: string; b: string; kind: 'photo' | 'moment' }[] = [];
    const add = async (start: number, count: number): Promise<void> => {
      const writes = [];
      const hashes: { contentHash: string; hashes: string[] }[] = [];
      let previous: { hash: string; content: string; visual: Float32Array; takenAt: number } | null = null;
      for (let i = start; i < start + count; i++) {
        const content = `c${i.toString(16).padStart(8, '0')}`;
        const takenAt = Date.UTC(2020, 0, 1) + i * 60_000;
        let upright = hex();
        let visual = Float32Array.from(centres[(i * 7919) % centres.length] as Float32Array, (x) => x + uniform());
        let taken = takenAt;
        if (previous && i % 20 === 1) {
          upright = near(previous.hash, 4 + (random() % 7));
          await thumbnail(previous.content, i);
          await thumbnail(content, i);
          planted.push({ a: previous.content, b: content, kind: 'photo' });
          taken = previous.takenAt;
        } else if (previous && i % 20 === 11) {
          visual = Float32Array.from(previous.visual, (x) => x + uniform() * 0.15);
          taken = previous.takenAt + 1000;
          planted.push({ a: previous.content, b: content, kind: 'moment' });
        }
        writes.push({ item: { kind: 'photo' as const, path: `/bench/${i}.jpg`, contentHash: content, width: 4000, height: 3000, size: 2_000_000, takenAt: taken }, vectors: { visual, colour } });
        hashes.push({ contentHash: content, hashes: [upright, hex(), hex(), hex()] });
        previous = { hash: upright, content, visual, takenAt: taken };
        if (writes.length === 1000) {
          engine.store.writeItems(writes.splice(0));
          engine.store.setPictureHashes(hashes.splice(0));
        }
      }
      engine.store.writeItems(writes);
      engine.store.setPictureHashes(hashes);
    };
    await add(0, pictures);
    const started = performance.now();
    const check = await engine.checkDuplicates();
    const checkSeconds = (performance.now() - started) / 1000;
    const newPhotos = 100;
    await add(pictures, newPhotos);
    const incrementalStart = performance.now();
    await engine.services.duplicates.checkNew();
    const incrementalMsPerPhoto = (performance.now() - incrementalStart) / newPhotos;
    const groupsStart = performance.now();
    const answer = await engine.duplicates({});
    const groupsMs = performance.now() - groupsStart;
    const similarStart = performance.now();
    await engine.duplicates({ tiers: ['identical', 'same-photo', 'same-moment', 'similar'] });
    const similarGroupsMs = performance.now() - similarStart;
    const together = (tier: string, a: string, b: string): boolean => answer.groups.some((g) => g.tier === tier && g.items.some((m) => m.path.endsWith(`/${parseInt(a.slice(1), 16)}.jpg`)) && g.items.some((m) => m.path.endsWith(`/${parseInt(b.slice(1), 16)}.jpg`)));
    if (answer.unchecked !== 0) throw new Error(`${answer.unchecked} photos were left unchecked`);
    return {
      pictures,
      checkSeconds,
      picturesPerSecond: pictures / checkSeconds,
      pairs: check.pairs,
      samePhotoFound: planted.filter((p) => p.kind === 'photo' && together('same-photo', p.a, p.b)).length,
      samePhotoPlanted: planted.filter((p) => p.kind === 'photo').length,
      momentFound: planted.filter((p) => p.kind === 'moment' && together('same-moment', p.a, p.b)).length,
      momentPlanted: planted.filter((p) => p.kind === 'moment').length,
      incrementalMsPerPhoto,
      newPhotos,
      groupsMs,
      similarGroupsMs,
    };
  } finally {
    await engine.close();
  }
}
