import type { ReadWordSummary } from '../../../preload/contract.js';

/** A word as searches compare it: lower case, accents and surrounding punctuation off. */
export function foldedWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** The words the text: filters of a query ask for ("total", a prefix "inv*"). */
export function askedWords(query: string): string[] {
  const values = [...query.matchAll(/text:(?:"([^"]*)"|(\S+))/gi)].map((m) => m[1] ?? m[2] ?? '');
  return values.flatMap((value) => value.toLowerCase().split(/\s+/)).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

/**
 * The words read in a picture that a search matched, to mark where they were read: those a
 * text: filter asked for, and those a plain query matched (the result's `printed` words).
 */
export function markedWords(words: readonly ReadWordSummary[], asked: readonly string[], printed: readonly string[] = []): ReadWordSummary[] {
  const wanted = [...asked, ...printed].map((want) => ({ prefix: want.endsWith('*'), word: foldedWord(want.endsWith('*') ? want.slice(0, -1) : want) }));
  if (wanted.length === 0) return [];
  return words.filter((word) => {
    const text = foldedWord(word.text);
    return wanted.some((want) => (want.prefix ? text.startsWith(want.word) : text === want.word));
  });
}
