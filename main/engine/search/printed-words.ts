import { distance } from 'fastest-levenshtein';
import type { LibraryStore } from '../store/library-store.js';
import { exactDot } from '../vector/unit-vector.js';

/**
 * A plain query against the text read in pictures: which pictures print its words (exactly,
 * or a word one or two letters away from a misspelt one, as "did you mean" would), and whose
 * text means what the query says (the text read, embedded in the text space). Searches add a
 * share for it, shown as "its text".
 */
export interface PrintedMatch {
  /** 0-1: all the query's words printed = 1; by meaning at most MEANING_STRENGTH. */
  strength: number;
  /** The printed words that matched (as FTS5 folds them: lower case, no accents). */
  words: string[];
}

/**
 * Words a query is made of but a picture need not print ("a photo of the receipt"): English's
 * commonest function words and the words people use for a picture itself.
 */
const STOP_WORDS = new Set(
  'a an the of at in on for from to with and or by my our your this that these those is are was be it its as into over under near picture pictures photo photos image images'.split(' '),
);
/** A word found only by spelling counts this much (it may be another word). */
const SPELLING_STRENGTH = 0.8;
/** Text whose meaning is this close to the query's (centred cosine in the text space) counts. */
export const MEANING_FLOOR = 0.5;
/** Fewer texts than this give no meaningful mean to centre on. */
const MIN_TEXTS_FOR_MEANING = 3;
/** The most a match by meaning alone counts: less than the words themselves. */
const MEANING_STRENGTH = 0.7;
/** Pictures considered per query: the best matches, so a common word costs no more than this. */
const MAX_MATCHES = 2000;

/** A word as FTS5's unicode61 tokenizer with remove_diacritics 2 stores it. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The query's words worth finding printed. */
export function contentWords(text: string): string[] {
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).map(foldWord);
  return [...new Set(words.filter((word) => !STOP_WORDS.has(word) && (word.length > 1 || /\p{N}/u.test(word))))];
}

/**
 * Words of the vocabulary a misspelt word could be: one letter away (added, dropped, changed,
 * or two neighbours swapped: "reciept"), two for words of eight letters or more.
 */
export function spellings(word: string, vocabulary: readonly string[]): string[] {
  if (word.length < 4 || /\p{N}/u.test(word)) return [];
  const allowed = word.length >= 8 ? 2 : 1;
  return vocabulary.filter((candidate) => {
    if (candidate === word || Math.abs(candidate.length - word.length) > allowed) return false;
    const edits = distance(candidate, word);
    return edits <= allowed || (edits === 2 && swapped(candidate, word));
  });
}

/** Whether two words differ only by two neighbouring letters swapped. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const at = [...a].findIndex((ch, i) => ch !== b[i]);
  return at >= 0 && a[at] === b[at + 1] && a[at + 1] === b[at] && a.slice(at + 2) === b.slice(at + 2);
}

interface MeaningCache {
  version: string;
  model: string;
  hashes: string[];
  vectors: Float32Array[];
  mean: Float32Array;
  centred: Float32Array[];
}

export class PrintedWords {
  private meaning: MeaningCache | undefined;
  private vocabulary: { version: string; words: string[]; known: Set<string> } | undefined;

  constructor(private readonly store: LibraryStore) {}

  /**
   * Items whose pictures print the query's words, or whose text means the same (when a vector
   * of the query in the text space is given, from `model`).
   */
  match(text: string, queryVector: Float32Array | null, model: string): Map<number, PrintedMatch> {
    const matches = new Map<number, PrintedMatch>();
    const printed = this.byWords(text, model, matches);
    // Words printed somewhere (or their spellings) are what the user meant; a query whose words
    // are printed nowhere may still be said in other words.
    if (queryVector && !printed) this.byMeaning(queryVector, model, matches);
    return matches;
  }

  /** Adds the items printing the query's words; whether any of its words is printed anywhere. */
  private byWords(text: string, model: string, matches: Map<number, PrintedMatch>): boolean {
    const words = contentWords(text);
    if (words.length === 0) return false;
    const { known, words: vocabulary } = this.vocabularyNow(model);
    // Each word: the items printing it (1) or a spelling of it (SPELLING_STRENGTH).
    const found = new Map<number, { strength: number; words: string[]; count: number }>();
    for (const word of words) {
      // A word printed somewhere is taken as typed; one printed nowhere, as a misspelling.
      const candidates: (readonly [string, number])[] = known.has(word) ? [[word, 1]] : spellings(word, vocabulary).map((w) => [w, SPELLING_STRENGTH] as const);
      const perItem = new Map<number, { strength: number; word: string }>();
      for (const [candidate, strength] of candidates) {
        for (const id of this.store.itemsWithText(`"${candidate.replace(/"/g, '""')}"`).slice(0, MAX_MATCHES)) {
          const before = perItem.get(id);
          if (!before || before.strength < strength) perItem.set(id, { strength, word: candidate });
        }
      }
      for (const [id, { strength, word: printed }] of perItem) {
        const entry = found.get(id) ?? { strength: 0, words: [], count: 0 };
        entry.strength += strength;
        entry.words.push(printed);
        entry.count++;
        found.set(id, entry);
      }
    }
    // All the words, or all but one of three or more ("invoice march 2024" on an invoice of April).
    const needed = words.length >= 3 ? words.length - 1 : words.length;
    for (const [id, entry] of found) {
      if (entry.count < needed) continue;
      matches.set(id, { strength: entry.strength / words.length, words: entry.words });
    }
    return found.size > 0;
  }

  /**
   * Texts whose meaning is close to the query's. Sentence models put every text in one narrow
   * cone (unrelated texts at cosines of 0.3-0.6, and a model's unknown words all alike), so the
   * cosine is taken after subtracting the library's mean text, which leaves what sets a text
   * apart from the others (as the duplicate finder does with pictures).
   */
  private byMeaning(queryVector: Float32Array, model: string, matches: Map<number, PrintedMatch>): void {
    const cache = this.meaningNow(model);
    if (cache.vectors.length < MIN_TEXTS_FOR_MEANING || cache.mean.length !== queryVector.length) return;
    const query = centred(queryVector, cache.mean);
    const close: { hash: string; strength: number }[] = [];
    cache.centred.forEach((vector, i) => {
      const cosine = exactDot(query, vector);
      if (cosine > MEANING_FLOOR) close.push({ hash: cache.hashes[i] as string, strength: (MEANING_STRENGTH * (cosine - MEANING_FLOOR)) / (1 - MEANING_FLOOR) });
    });
    close.sort((a, b) => b.strength - a.strength);
    const best = close.slice(0, MAX_MATCHES);
    const items = this.store.itemsOfContents(best.map((c) => c.hash));
    for (const { hash, strength } of best) {
      for (const id of items.get(hash) ?? []) {
        const before = matches.get(id);
        if (!before || before.strength < strength) matches.set(id, { strength, words: before?.words ?? [] });
      }
    }
  }

  private vocabularyNow(model: string): { words: string[]; known: Set<string> } {
    const version = this.store.textState(model).key;
    if (this.vocabulary?.version !== version) {
      const words = this.store.textVocabulary();
      this.vocabulary = { version, words, known: new Set(words) };
    }
    return this.vocabulary;
  }

  private meaningNow(model: string): MeaningCache {
    const version = this.store.textState(model).key;
    if (this.meaning?.version !== version || this.meaning.model !== model) {
      const stored = this.store.textVectors(model);
      const vectors = [...stored.values()];
      const dims = vectors[0]?.length ?? 0;
      const mean = new Float32Array(dims);
      for (const vector of vectors) for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) + (vector[j] as number) / vectors.length;
      this.meaning = { version, model, hashes: [...stored.keys()], vectors, mean, centred: vectors.map((vector) => centred(vector, mean)) };
    }
    return this.meaning;
  }
}

/** A unit vector's difference from the mean, made unit again (zero stays zero). */
function centred(vector: Float32Array, mean: Float32Array): Float32Array {
  const out = new Float32Array(vector.length);
  let squares = 0;
  for (let j = 0; j < vector.length; j++) {
    out[j] = (vector[j] as number) - (mean[j] as number);
    squares += (out[j] as number) ** 2;
  }
  const norm = Math.sqrt(squares);
  if (norm > 1e-6) for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / norm;
  else out.fill(0);
  return out;
}
