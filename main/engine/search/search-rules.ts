import type { Space, VectorTerm } from '../../../preload/contract.js';
import { swatchDescriptor } from '../embed/colour-descriptor.js';
import { queryError, type QueryTerm } from './query-language.js';

/** How searches weigh and cut, the same on either store (the Searcher on SQLite, the shared library on PostgreSQL). */

/** What a person waits for goes in the pool's query lane, never behind indexing. */
export const QUERY = { lane: 'query' } as const;

/** "Find similar" without weights: what it shows, how it looks, its colours. */
export const DEFAULT_SIMILAR_WEIGHTS: Partial<Record<Space, number>> = { clip: 0.5, visual: 0.3, colour: 0.2 };

/** Results ranked to find the relevance cut-off, whatever k the caller asked for. */
export const CUTOFF_WINDOW = 200;

/** Weight of an item's own words against what its picture shows, per query term. */
export const ITEM_TEXT_WEIGHT = 0.5;

export const NOTHING_INDEXED = 'Nothing is indexed yet: add a folder of photos or import a catalog, and search again once it is read.';

/** A `colour:` term: the colour's swatch in the colour space, or where the query names no colour. */
export function colourTerm(query: string, term: QueryTerm): VectorTerm {
  let vector: Float32Array;
  try {
    vector = swatchDescriptor(term.colour as string);
  } catch {
    throw queryError(query, term.at, `colour: takes a colour name or hex such as navy or #1f3a93, not "${term.colour}"`);
  }
  return { space: 'colour', vector: Array.from(vector), weight: term.weight };
}
