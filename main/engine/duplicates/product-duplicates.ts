import type { ProductFacts } from '../store/picture-hashes.js';
import { completeLinkage, nearHashPairs, type DuplicateGroup, type EvidencePair } from './duplicate-finder.js';

/**
 * The same product listed twice, in one catalog or across catalogs: the same picture (the
 * same file, or its perceptual hashes at most 10 bits apart in some turn: re-hosted,
 * re-encoded, resized) and near-same words (their names share at least SAME_WORDS of their
 * words). A picture alone is not enough (a shop reuses one photo for a product's sizes and
 * colours, "Kettle 1.7 L" and "Kettle 1.0 L"), and words alone are not either (two sizes of
 * one product, or unrelated products named alike).
 */
export const SAME_WORDS = 0.6;

/** A name's words, lower-cased, accents and punctuation gone ("Kettle, 1.7 L" → kettle, 1.7, l). */
export function wordsOf(name: string): Set<string> {
  return new Set(
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .split(/[^\p{L}\p{N}.]+/u)
      .map((word) => word.replace(/^\.+|\.+$/g, ''))
      .filter(Boolean),
  );
}

/** Shared words over all words (Jaccard). */
export function wordOverlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * A picture's mean colour (0-255 per channel), or null when it cannot be read: pictures near in
 * hash but not in colour (one shot of a toaster in red and in blue) are not the same picture.
 */
export type MeanColour = (file: string) => Promise<[number, number, number] | null>;
/** The most a re-encoded or resized picture's mean colour moves, per channel. */
const SAME_MEAN = 3;

export async function productDuplicates(products: readonly ProductFacts[], meanColour: MeanColour, dismissed: (a: string, b: string) => boolean = () => false): Promise<DuplicateGroup[]> {
  const pictured = products.filter((p) => p.contentHash !== null);
  const words = new Map(pictured.map((p) => [p.id, wordsOf(p.title ?? p.catalogKey)]));
  const candidates = new Map<string, [ProductFacts, ProductFacts]>();
  const add = (x: ProductFacts, y: ProductFacts): void => {
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    candidates.set(`${a.id}:${b.id}`, [a, b]);
  };
  // The same picture file.
  const byPicture = new Map<string, ProductFacts[]>();
  for (const p of pictured) byPicture.set(p.contentHash as string, [...(byPicture.get(p.contentHash as string) ?? []), p]);
  for (const same of byPicture.values()) for (let i = 0; i < same.length; i++) for (let j = i + 1; j < same.length; j++) add(same[i] as ProductFacts, same[j] as ProductFacts);
  // The same picture saved again: near in hash, and in colour.
  const hashed = pictured.filter((p): p is ProductFacts & { hashes: [string, string, string, string] } => p.hashes !== null);
  const means = new Map<string, Promise<[number, number, number] | null>>();
  const meanOf = (p: ProductFacts): Promise<[number, number, number] | null> => {
    const key = p.contentHash as string;
    if (!means.has(key)) means.set(key, p.picture ? meanColour(p.picture).catch(() => null) : Promise.resolve(null));
    return means.get(key) as Promise<[number, number, number] | null>;
  };
  for (const { a, b } of nearHashPairs(hashed.map((p) => p.hashes))) {
    const [x, y] = [hashed[a] as ProductFacts, hashed[b] as ProductFacts];
    if (x.contentHash === y.contentHash) continue;
    const [mx, my] = await Promise.all([meanOf(x), meanOf(y)]);
    if (mx && my && mx.every((value, i) => Math.abs(value - (my[i] as number)) <= SAME_MEAN)) add(x, y);
  }
  // Product pairs by key ("catalog:row"), scored by their words' overlap.
  const pairs: EvidencePair[] = [];
  for (const [a, b] of candidates.values()) {
    if (dismissed(a.catalogKey, b.catalogKey)) continue;
    const overlap = wordOverlap(words.get(a.id) as Set<string>, words.get(b.id) as Set<string>);
    if (overlap >= SAME_WORDS) pairs.push({ a: a.catalogKey, b: b.catalogKey, score: overlap });
  }
  const byKey = new Map(pictured.map((p) => [p.catalogKey, p]));
  return completeLinkage(pairs).map((group) => {
    const members = group.members.map((key) => byKey.get(key) as ProductFacts);
    // The fullest listing, then the first imported.
    const ranked = [...members].sort((x, y) => y.filled - x.filled || x.id - y.id);
    const [keeper, next] = ranked as [ProductFacts, ProductFacts];
    const why = keeper.filled > next.filled ? `the fullest listing: ${keeper.filled} fields filled` : 'listed first';
    return { tier: 'same-product' as const, items: ranked.map((p) => p.id), keeper: keeper.id, why, spread: group.weakest };
  });
}
