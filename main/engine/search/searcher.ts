import fs from 'node:fs';
import path from 'node:path';
import {
  MAX_K,
  DEFAULT_K,
  SPACES,
  type AlbumView,
  type FinderApi,
  type RankedResponse,
  type SearchFilters,
  type SearchHit,
  type SearchRequest,
  type SimilarRequest,
  type SimilarResponse,
  type SubstitutesRequest,
  type SubstitutesResponse,
  type Space,
  type TextSearchResponse,
  type VectorTerm,
} from '../../../preload/contract.js';
import type { EmbedPool } from '../embed/embed-pool.js';
import { SemblanceError, badInput, notFound } from '../errors.js';
import type { LibraryStore } from '../store/library-store.js';
import { albumRanking } from './album-ranking.js';
import { newestFirst } from './date-order.js';
import { fusedSearch, type SearchStats } from './fused-search.js';
import { PrintedWords, type PrintedMatch } from './printed-words.js';
import { parseQuery, queryError, type QueryFilters } from './query-language.js';
import { relevanceCutoff } from './relevance-cutoff.js';
import { substitutesQuery } from './substitutes.js';
import { compareSides } from './compare.js';
import { colourTerm, CUTOFF_WINDOW, DEFAULT_SIMILAR_WEIGHTS, ITEM_TEXT_WEIGHT, NOTHING_INDEXED, QUERY } from './search-rules.js';
import type { VectorIndex } from './vector-index.js';


export interface SearcherDeps {
  store: LibraryStore;
  vectorIndex: VectorIndex;
  pool: () => EmbedPool;
  stats: SearchStats;
  /** The key of the text model the pool embeds with now. */
  textModel: () => string;
}

/**
 * What a picture printing all of a plain query's words gains (its text by meaning or spelling
 * gains less): above the spread of CLIP's scores between a relevant photo and an unrelated one
 * (about 0.1), so printed words bring a picture up among those that look the part.
 */
const PRINTED_WEIGHT = 0.15;
/** CLIP reads at most 77 tokens; longer queries are cut, with a warning. */
const CLIP_MAX_TOKENS = 77;

/**
 * A `text:` value as an FTS5 expression: each word quoted (so no word is read as an operator),
 * a trailing * kept as a prefix search; all words must be there.
 */
export function ftsWords(text: string): string {
  return text
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .map((word) => (word.endsWith('*') ? `"${word.slice(0, -1).replace(/"/g, '""')}"*` : `"${word.replace(/"/g, '""')}"`))
    .join(' ');
}

/**
 * Search by words, by example and by label: the query language, look-alikes, zero-shot
 * classification and text comparison, all on top of the exact fused search.
 */
export class Searcher {
  private readonly printed: PrintedWords;

  constructor(private readonly deps: SearcherDeps) {
    this.printed = new PrintedWords(deps.store);
  }

  readonly api = {
    searchVectors: async (request) => {
      await this.deps.vectorIndex.prepare(request.terms.map((term) => term.space));
      return { results: fusedSearch(this.deps.store, this.deps.vectorIndex, request, this.deps.stats) };
    },
    search: (request) => this.search(request),
    similar: (request) => this.similar(request),
    compare: (request) => compareSides({ pool: this.deps.pool, store: this.deps.store }, request.a, request.b),
    substitutes: (request) => this.substitutes(request),
  } satisfies Pick<FinderApi, 'searchVectors' | 'search' | 'similar' | 'compare' | 'substitutes'>;

  async search(request: SearchRequest, albumsOpen: readonly string[] = []): Promise<TextSearchResponse> {
    const parsed = parseQuery(request.query);
    const filters = await this.filtersOf(parsed.filters, albumsOpen);
    if (parsed.terms.length === 0) {
      // Filters only: everything that passes them, newest first; no ranking, no cut-off.
      const { total, items } = this.deps.store.listItems(filters, { offset: 0, limit: request.k ?? DEFAULT_K });
      const results = items.map((row) => ({ id: row.id, kind: row.kind, path: row.path, title: row.title, key: row.catalogKey, status: row.status, score: 0, breakdown: {} }));
      return { query: request.query, results, cutoff: null, warnings: [], listed: { total } };
    }
    if (!SPACES.some((space) => this.deps.store.spaceModel(space))) return { query: request.query, results: [], cutoff: null, total: 0, warnings: [NOTHING_INDEXED] };
    const warnings: string[] = [];
    const terms: VectorTerm[] = [];
    const printed = new Map<number, PrintedMatch>();
    const texts = parsed.terms.filter((t) => t.text !== undefined);
    if (texts.length > 0) {
      const pool = this.deps.pool();
      // Every token covers at least one character (plus start and end tokens), so only texts
      // longer than 75 characters can be cut: the usual short query costs no extra round trip.
      const long = texts.filter((t) => (t.text as string).length + 2 > CLIP_MAX_TOKENS);
      const counts = long.length > 0 ? await pool.countTokens(long.map((t) => t.text as string), QUERY) : [];
      counts.forEach((count, i) => {
        if (count > CLIP_MAX_TOKENS) {
          warnings.push(`"${long[i]?.text?.slice(0, 40)}…" is ${count} tokens long; CLIP reads the first ${CLIP_MAX_TOKENS}, the rest was left out.`);
        }
      });
      // Both towers at once: the query lane stays busy until both answer, so no index batch
      // slips in between them.
      const words = texts.map((t) => t.text as string);
      const textSpace = this.deps.store.hasVectors('text');
      const textModel = this.deps.textModel();
      // Whether any text was read (nothing to match otherwise), and embedded by this model (the
      // meaning path needs the query in the text space): one cheap look per search.
      const textRead = this.deps.store.textState(textModel);
      const printedText = textRead.read;
      const [vectors, textVectors] = await Promise.all([
        pool.embedTexts(words, 'clip', QUERY),
        // Items with words of their own (file and folder names, product attributes) are matched
        // on those too, in the text space, with a smaller weight than what the picture shows;
        // and so are the texts read in pictures, by meaning.
        textSpace || textRead.embedded > 0
          ? pool.embedTexts(words, 'text', QUERY).catch((error: unknown) => {
              // Without the text model the pictures are still searched; say what was left out.
              if (!(error instanceof SemblanceError) || error.code !== 'not-found') throw error;
              warnings.push(`Names and texts of items were not searched: ${error.message}`);
              return null;
            })
          : Promise.resolve(null),
      ]);
      texts.forEach((term, i) => terms.push({ space: 'clip', vector: Array.from(vectors[i] as Float32Array), weight: term.weight }));
      if (printedText) {
        texts.forEach((term, i) => {
          if (term.weight <= 0) return;
          for (const [id, match] of this.printed.match(term.text as string, (textVectors?.[i] as Float32Array | undefined) ?? null, textModel)) {
            const before = printed.get(id);
            if (!before || before.strength < match.strength) printed.set(id, match);
          }
        });
      }
      if (textVectors && textSpace) {
        texts.forEach((term, i) =>
          terms.push({ space: 'text', vector: Array.from(textVectors[i] as Float32Array), weight: ITEM_TEXT_WEIGHT * term.weight }),
        );
      }
    }
    const exclude = new Set<number>();
    for (const term of parsed.terms.filter((t) => t.like !== undefined)) {
      // like:12,15,19 (a selection, as the map makes one): what they have in common, in each
      // space. The chosen items stay in the results: they show what "these" were.
      if (/^\d+(,\d+)+$/.test(term.like as string)) {
        const ids = (term.like as string).split(',').map(Number);
        terms.push(...this.centroidTerms(ids, term.weight, request.query, term.at));
        continue;
      }
      const example = await this.vectorsOf(term.like as string, ['clip']);
      if (example.id !== null) exclude.add(example.id);
      const vector = example.vectors.clip;
      if (!vector) throw badInput(`like:${term.like} has no clip vector yet (is it indexed?).`);
      terms.push({ space: 'clip', vector: Array.from(vector), weight: term.weight });
    }
    for (const term of parsed.terms.filter((t) => t.colour !== undefined)) terms.push(colourTerm(request.query, term));
    // A library with nothing indexed yet has nothing to rank: say so, as an empty answer.
    const ready = terms.filter((term) => this.deps.store.spaceModel(term.space));
    if (ready.length === 0) return { query: request.query, results: [], cutoff: null, total: 0, warnings: [...warnings, NOTHING_INDEXED] };
    const ranked = await this.rank(ready, filters, request.k ?? DEFAULT_K, exclude, request.sort ?? 'score', printed);
    return { query: request.query, ...ranked, warnings: [...warnings, ...ranked.warnings] };
  }

  async similar(request: SimilarRequest): Promise<SimilarResponse> {
    const weights = request.weights ?? DEFAULT_SIMILAR_WEIGHTS;
    const spaces = (Object.keys(weights) as Space[]).filter((space) => (weights[space] ?? 0) !== 0);
    if (spaces.length === 0) throw badInput('Every weight is 0, so nothing would be compared.');
    const queries: SimilarResponse['queries'] = [];
    for (const target of request.targets) {
      const { id, vectors } = await this.vectorsOf(target, spaces);
      const terms = spaces.flatMap((space) => {
        const vector = vectors[space];
        return vector ? [{ space, vector: Array.from(vector), weight: weights[space] as number }] : [];
      });
      if (terms.length === 0) throw badInput(`${target} has no vectors in ${spaces.join(', ')} yet.`);
      const ranked = await this.rank(terms, {}, request.k ?? DEFAULT_K, new Set(id === null ? [] : [id]), 'score');
      queries.push({ target, id, ...ranked });
    }
    return { queries };
  }

  /** Products like this one, weighted per space by a preset or by hand, with field conditions. */
  async substitutes(request: SubstitutesRequest): Promise<SubstitutesResponse> {
    const query = await substitutesQuery(this.deps.store, request);
    const ranked = await this.rank(query.terms, query.filters, request.k ?? DEFAULT_K, new Set([query.id]), 'score');
    return { product: query.product, weights: query.weights, ...ranked };
  }

  /**
   * Ranks, finds the cut-off over a wider window, then returns k results in the asked order,
   * with how many items were ranked in all (a header says "12,345 results", not the k cap).
   */
  private async rank(
    terms: VectorTerm[],
    filters: SearchFilters,
    k: number,
    exclude: Set<number>,
    sort: 'score' | 'date',
    printed: ReadonlyMap<number, PrintedMatch> = new Map(),
  ): Promise<RankedResponse> {
    await this.deps.vectorIndex.prepare(terms.map((term) => term.space));
    const window = Math.min(MAX_K, Math.max(k, CUTOFF_WINDOW) + exclude.size);
    const stats: SearchStats = { scanned: 0, candidates: 0, rescored: 0 };
    let hits = fusedSearch(this.deps.store, this.deps.vectorIndex, { terms, k: window, filters }, stats).filter((hit) => !exclude.has(hit.id));
    Object.assign(this.deps.stats, stats);
    if (printed.size > 0) hits = this.withPrinted(hits, terms, filters, window, exclude, printed);
    // The excluded items (the example itself) were ranked too, but are not results.
    const total = Math.max(hits.length, stats.scanned - exclude.size);
    const cutoff = relevanceCutoff(hits.map((h) => h.score));
    if (sort === 'date') {
      const dated = newestFirst(hits, cutoff, (ids) => this.deps.store.takenTimes(ids));
      return { results: dated.results.slice(0, k), cutoff: dated.cutoff, total, warnings: [] };
    }
    const results: SearchHit[] = hits.slice(0, k);
    return { results, cutoff, total, warnings: [] };
  }

  /**
   * The ranking with what pictures print: the pictures matched that the vectors did not rank
   * high enough are scored too (their vector scores, under the same filters), and every match
   * gains PRINTED_WEIGHT × its strength, shown in the breakdown as `printed`.
   */
  private withPrinted(hits: SearchHit[], terms: VectorTerm[], filters: SearchFilters, window: number, exclude: Set<number>, printed: ReadonlyMap<number, PrintedMatch>): SearchHit[] {
    const ranked = new Set(hits.map((hit) => hit.id));
    const allowed = filters.itemIds ? new Set(filters.itemIds) : null;
    const missing = [...printed.keys()].filter((id) => !ranked.has(id) && !exclude.has(id) && (!allowed || allowed.has(id)));
    const more = missing.length > 0 ? fusedSearch(this.deps.store, this.deps.vectorIndex, { terms, k: Math.min(MAX_K, missing.length), filters: { ...filters, itemIds: missing } }) : [];
    const all = [...hits, ...more].map((hit) => {
      const match = printed.get(hit.id);
      if (!match) return hit;
      const share = PRINTED_WEIGHT * match.strength;
      return { ...hit, score: hit.score + share, breakdown: { ...hit.breakdown, printed: share }, ...(match.words.length > 0 ? { printed: match.words } : {}) };
    });
    return all.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, window);
  }

  /** What a smart album finds now (album-ranking.ts, the same on either library). */
  private albumRanking(query: string | null, view: AlbumView | null, albumsOpen: readonly string[]): Promise<RankedResponse> {
    return albumRanking(query, view, albumsOpen, { search: (query, open) => this.search({ query, k: MAX_K }, open), similar: (request) => this.similar(request), substitutes: (request) => this.substitutes(request) });
  }

  /**
   * The query's filters for the store. `album:` names a plain album (its items by id) or a
   * smart one, whose own query runs now (its relevant results are the album); a smart album
   * that names itself, directly or through others, is an error, not a loop.
   */
  private async filtersOf(filters: QueryFilters, albumsOpen: readonly string[]): Promise<SearchFilters> {
    const folders = filters.in?.map((folder) => path.resolve(folder.replace(/^~(?=$|\/)/, process.env['HOME'] ?? '~')));
    const plain: number[] = [];
    let itemIds: Set<number> | undefined;
    for (const name of filters.albums ?? []) {
      const album = this.deps.store.albumByName(name);
      if (!album) {
        const names = this.deps.store.albums().map((a) => a.name);
        throw badInput(`No album "${name}"${names.length > 0 ? ` (albums: ${names.slice(0, 20).join(', ')})` : ''}.`);
      }
      if (album.query === null && album.view === null) {
        plain.push(album.id);
        continue;
      }
      if (albumsOpen.includes(album.name)) throw badInput(`The smart album "${album.name}" finds its items through itself (${[...albumsOpen, album.name].join(' → ')}).`);
      const found = await this.albumRanking(album.query, album.view, [...albumsOpen, album.name]);
      const relevant = found.cutoff ? found.results.slice(0, found.cutoff.index) : found.results;
      const ids = new Set(relevant.map((hit) => hit.id));
      itemIds = itemIds ? new Set([...itemIds].filter((id) => ids.has(id))) : ids;
    }
    // text: every word of it read in the picture (a trailing * a prefix), by SQLite's FTS5.
    for (const { text } of filters.texts ?? []) {
      const ids = new Set(this.deps.store.itemsWithText(ftsWords(text)));
      itemIds = itemIds ? new Set([...itemIds].filter((id) => ids.has(id))) : ids;
    }
    // person: the photos with a face of the person of that name; several: all of them in it.
    for (const { name, at } of filters.persons ?? []) {
      // person:#12 is person 12, named or not (as the People view and `semblance people` number them).
      const number = /^#(\d+)$/.exec(name)?.[1];
      const person = number !== undefined ? this.deps.store.people(true).find((p) => p.id === Number(number))?.id : this.deps.store.personByName(name);
      if (person === undefined) {
        const named = this.deps.store.people(true).flatMap((p) => (p.name ? [p.name] : [])).sort((a, b) => a.localeCompare(b));
        throw badInput(`Nobody is named "${name}"${named.length > 0 ? ` (people: ${named.slice(0, 20).join(', ')})` : ': name people in the People view, or with semblance people name'}.`, at);
      }
      const ids = new Set(this.deps.store.itemsOfPerson(person));
      itemIds = itemIds ? new Set([...itemIds].filter((id) => ids.has(id))) : ids;
    }
    return {
      ...(plain.length > 0 ? { albums: plain } : {}),
      ...(itemIds ? { itemIds: [...itemIds] } : {}),
      ...(filters.kinds ? { kinds: filters.kinds } : {}),
      ...(filters.labels ? { labels: filters.labels } : {}),
      ...(folders ? { folders } : {}),
      ...(filters.after !== undefined ? { after: filters.after } : {}),
      ...(filters.before !== undefined ? { before: filters.before } : {}),
    };
  }

  /**
   * The items' centroid in each space they have vectors in (the mean of their unit vectors),
   * weighted as "find similar" weighs spaces: the terms of "more like these".
   */
  private centroidTerms(ids: readonly number[], weight: number, query: string, at: number): VectorTerm[] {
    const { store } = this.deps;
    const known = store.getItems(ids);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) throw queryError(query, at, `like: names items that are not in the library (${missing.slice(0, 5).join(', ')})`);
    const terms: VectorTerm[] = [];
    for (const [space, share] of Object.entries(DEFAULT_SIMILAR_WEIGHTS) as [Space, number][]) {
      const vectors = [...store.readVectors(space, ids).values()];
      if (vectors.length === 0) continue;
      const sum = new Float64Array((vectors[0] as Float32Array).length);
      for (const vector of vectors) for (let j = 0; j < sum.length; j++) sum[j] = (sum[j] as number) + (vector[j] as number);
      const norm = Math.hypot(...sum);
      if (norm > 0) terms.push({ space, vector: Array.from(sum, (x) => x / norm), weight: share * weight });
    }
    if (terms.length === 0) throw queryError(query, at, 'like: names items with no vectors yet (are they indexed?)');
    return terms;
  }

  /** The vectors of an item id, a library file, or any image file (embedded now, not stored). */
  async vectorsOf(target: string, spaces: Space[]): Promise<{ id: number | null; vectors: Partial<Record<Space, Float32Array>> }> {
    const { store } = this.deps;
    let id: number | undefined = /^\d+$/.test(target) && store.getItems([Number(target)]).size > 0 ? Number(target) : undefined;
    const file = id === undefined ? path.resolve(target.replace(/^~(?=$|\/)/, process.env['HOME'] ?? '~')) : null;
    if (file) id = store.itemIdByPath(file);
    if (id !== undefined) {
      const itemId = id;
      return { id: itemId, vectors: Object.fromEntries(spaces.map((space) => [space, store.readVectors(space, [itemId]).get(itemId)])) };
    }
    if (!file || !fs.existsSync(file)) throw notFound(`${target} is neither a library item id nor an image file.`);
    const imageSpaces = spaces.filter((s): s is 'clip' | 'visual' | 'colour' => s !== 'text');
    const [result] = await this.deps.pool().embedImages([file], imageSpaces, QUERY);
    if (!result?.ok) throw badInput(`${target}: ${result?.reason ?? 'cannot be embedded'}`);
    return { id: null, vectors: result.vectors };
  }

}

