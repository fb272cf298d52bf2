import { foldWord } from '../search/printed-words.js';

/**
 * Names for the map's clusters, two ways, as the map shows them:
 *
 * - **A word of the vocabulary** whose CLIP text vector is nearest the cluster's CLIP centroid
 *   (zero-shot, as CLIP's paper labels a picture: "a photo of a {word}", softmax over the
 *   vocabulary at CLIP's logit scale), kept when it is sure enough.
 * - **Its items' own words** (product titles and categories, the text read in pictures):
 *   those common in the cluster and rare around it, scored as a contribution to the
 *   Kullback–Leibler divergence (share in the cluster × log of how much commoner it is there),
 *   so "the" never names a cluster and a word every item has names none.
 */

/** CLIP's learned logit scale (exp(4.6052) = 100), as the label sets use it. */
const LOGIT_SCALE = 100;
/** A vocabulary word names a cluster when its probability is at least this (over the whole vocabulary). */
export const LABEL_CONFIDENCE = 0.25;
/** A word names a cluster when this share of its items (with any text) have it ... */
const WORD_SHARE = 0.2;
/** ... and it is at least this many times commoner there than around it. */
const WORD_LIFT = 1.5;
const WORDS_KEPT = 3;

/** Words that say nothing about a picture or product. */
const STOP_WORDS = new Set(
  `a an and are as at be by for from has have in into is it its of on or our over that the their this to under was were with without your you
   new set pack pcs piece pieces size sizes item items product products photo photos picture pictures image images img jpg jpeg png dsc`.split(/\s+/),
);

/** The words of a text worth naming a cluster by: letters only, three or more, no stop words, each once. */
export function nameWords(text: string): string[] {
  const words = (text.match(/\p{L}[\p{L}'-]*\p{L}/gu) ?? []).map(foldWord).filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
  return [...new Set(words)];
}

/**
 * The words that set `members` apart from `around` (both lists of items' word sets): at most
 * three, most telling first. Items without words are not counted on either side.
 */
export function distinctiveWords(members: readonly (readonly string[])[], around: readonly (readonly string[])[]): string[] {
  const counted = (lists: readonly (readonly string[])[]): { n: number; counts: Map<string, number> } => {
    const counts = new Map<string, number>();
    let n = 0;
    for (const words of lists) {
      if (words.length === 0) continue;
      n++;
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    return { n, counts };
  };
  const inside = counted(members);
  const outside = counted(around);
  if (inside.n < 2) return [];
  const scored: [string, number][] = [];
  for (const [word, count] of inside.counts) {
    if (count < 2) continue;
    const share = count / inside.n;
    // Around includes the cluster itself (a region's map, a leaf's region), smoothed by one.
    const base = ((outside.counts.get(word) ?? 0) + 1) / (outside.n + 1);
    const lift = share / base;
    if (share < WORD_SHARE || lift < WORD_LIFT) continue;
    scored.push([word, share * Math.log(lift)]);
  }
  return scored
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, WORDS_KEPT)
    .map(([word]) => word);
}

/** The vocabulary word nearest a centroid (unit CLIP vectors), and how sure: its softmax probability. */
export function zeroShotName(centroid: Float32Array, vocabulary: readonly string[], vectors: readonly Float32Array[]): { label: string; confidence: number } | null {
  if (vocabulary.length === 0) return null;
  const logits = vectors.map((vector) => {
    let dot = 0;
    for (let j = 0; j < vector.length; j++) dot += (vector[j] as number) * (centroid[j] as number);
    return LOGIT_SCALE * dot;
  });
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  let best = 0;
  for (let i = 1; i < exps.length; i++) if ((exps[i] as number) > (exps[best] as number)) best = i;
  return { label: vocabulary[best] as string, confidence: (exps[best] as number) / sum };
}

/** Adds a vector, made unit length, to a running sum (a centroid of many without keeping them). */
export function addUnit(sum: Float64Array, vector: Float32Array): void {
  let norm = 0;
  for (let j = 0; j < vector.length; j++) norm += (vector[j] as number) ** 2;
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let j = 0; j < vector.length; j++) sum[j] = (sum[j] as number) + (vector[j] as number) * scale;
}

/** A sum's direction as a unit vector (null when it is empty or its vectors cancel out). */
export function unitOf(sum: Float64Array): Float32Array | null {
  let norm = 0;
  for (const x of sum) norm += x * x;
  return norm > 1e-18 ? Float32Array.from(sum, (x) => x / Math.sqrt(norm)) : null;
}

/** What a cluster is shown as: the user's tag for most of it, else its vocabulary word when sure, else its words. */
export function displayName(cluster: { tag: string | null; label: string | null; confidence: number | null; words: readonly string[] }, parentName: string | null): string | null {
  if (cluster.tag) return cluster.tag;
  const label = cluster.label && (cluster.confidence ?? 0) >= LABEL_CONFIDENCE ? cluster.label : null;
  const words = cluster.words.slice(0, 2).join(', ') || null;
  // A finer group named like its region says nothing new: its own words, if it has any.
  if (label && label === parentName) return words;
  return label ?? words;
}
