import type {
  AlbumView,
  ItemDetail,
  Breakdown,
  ItemKind,
  ItemSummary,
  RankedResponse,
  TimelineResponse,
  Space,
  SubstitutePreset,
  WeightPresetsResponse,
  Weights,
  WhereCondition,
} from '../../../../preload/contract.js';
import { BridgeError, type Bridge } from '../../bridge.js';
import { SPACES } from '../../../../preload/contract/spaces.js';
import { itemName } from '../format.js';
import type { NoticesStore } from './notices.svelte.js';
import type { SelectionStore } from './selection.svelte.js';

/** A cell of the grid: an item, with its score when it came from a search. */
export interface GridItem extends ItemSummary {
  score?: number;
  breakdown?: Breakdown;
}

export type SimilarBy = 'look' | 'meaning' | 'colour';

export type ResultsView =
  | { mode: 'library' }
  | { mode: 'search'; query: string }
  | { mode: 'similar'; of: GridItem }
  | { mode: 'substitutes'; of: GridItem; where: WhereCondition[] };

/** What the library view lists: everything, only products, or one tag. */
export interface LibraryFilter {
  kinds?: ItemKind[];
  label?: string;
  /** Items in this folder and below it. */
  folder?: string;
  /** Only these items (chosen on the map), and what to call them. */
  ids?: number[];
  selection?: string;
}

export const SIMILAR_WEIGHTS: Record<SimilarBy, Partial<Record<Space, number>>> = {
  look: { visual: 1 },
  meaning: { clip: 1 },
  colour: { colour: 1 },
};

/** The query's error and where in the query it is (the engine says so in the error's `at`). */
export interface QueryError {
  message: string;
  at: number | null;
}

const PAGE = 200;
/** Results one ranked view asks for (the API's most). */
const RANKED = 1000;

/** What the grid shows: the library page by page, a search, look-alikes or substitutes with their weights. */
export class ResultsStore {
  view = $state<ResultsView>({ mode: 'library' });
  /** The order of searches: best match, or newest first among the relevant results. */
  sort = $state<'score' | 'date'>('score');
  /** The grid's items; undefined where a page of the library has not arrived yet. */
  items = $state.raw<(GridItem | undefined)[]>([]);
  cutoff = $state<RankedResponse['cutoff']>(null);
  warnings = $state<string[]>([]);
  /** How many items pass a query of filters only (the grid shows the newest of them); null otherwise. */
  listedTotal = $state<number | null>(null);
  queryError = $state<QueryError | null>(null);
  /**
   * The results on screen answer an earlier query, not the one in the box (it was malformed,
   * or the server did not answer): the grid dims them and the header says whose they are.
   */
  staleFor = $state<string | null>(null);
  /** Why they are not the box's answer, as the start of a sentence. */
  staleBecause = $state('');
  /** The item a look-alike or substitutes view starts from, in full (its picture, its spaces). */
  source = $state<ItemDetail | null>(null);
  /** How many items the ranked view ranked in all (the grid holds the best of them). */
  rankedTotal = $state<number | null>(null);
  busy = $state(false);
  /** Bumped when a new result list starts (not when weights re-rank it): the grid scrolls to the top. */
  resultsKey = $state(0);
  libraryFilter = $state<LibraryFilter>({});
  /** The library's months (the scrubber), for the library view; null elsewhere. */
  timeline = $state<TimelineResponse | null>(null);
  /** The weights of the look-alike or substitutes view, as the sliders show them. */
  weights = $state<Weights>({});
  presets = $state<WeightPresetsResponse | null>(null);

  private requested = new Set<number>();
  /** The last query sent: asked again if the server did not answer it. */
  private asked: string | null = null;
  private generation = 0;
  private rerankTimer: ReturnType<typeof setTimeout> | undefined;
  selection!: SelectionStore;

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  /**
   * Shows the library, newest first. A quiet reload (the library changed underneath) keeps
   * the selection and gives way to any search the user starts meanwhile.
   */
  async showLibrary(options: { keepSelection?: boolean; quiet?: boolean; filter?: LibraryFilter } = {}): Promise<void> {
    const generation = options.quiet ? this.generation : ++this.generation;
    const filter = options.filter ?? (options.quiet ? this.libraryFilter : {});
    const [page, timeline] = await Promise.all([
      this.notices.attempt(() => this.bridge.api.browse({ ...libraryRequest(filter), offset: 0, limit: PAGE })),
      this.notices.attempt(() => this.bridge.api.timeline(libraryRequest(filter))),
    ]);
    if (!page || generation !== this.generation) return;
    // Tag views are ordered by confidence, not date: no months to jump to there.
    this.timeline = filter.label ? null : (timeline ?? null);
    this.libraryFilter = filter;
    if (!options.quiet) this.resultsKey++;
    const items = new Array<GridItem | undefined>(page.total);
    page.items.forEach((item, i) => (items[i] = item));
    this.requested = new Set([0]);
    this.view = { mode: 'library' };
    this.setItems(items, null, [], options.keepSelection ?? false);
    this.queryError = null;
    this.staleFor = null;
    this.listedTotal = null;
    this.rankedTotal = null;
  }

  /** The grid asks for the rows it shows; pages of the library arrive as needed. */
  ensureRange(from: number, to: number): void {
    if (this.view.mode !== 'library') return;
    const generation = this.generation;
    for (let page = Math.floor(from / PAGE); page <= Math.floor(Math.max(from, to - 1) / PAGE); page++) {
      if (this.requested.has(page)) continue;
      this.requested.add(page);
      this.bridge.api.browse({ ...libraryRequest(this.libraryFilter), offset: page * PAGE, limit: PAGE }).then(
        (result) => {
          if (generation !== this.generation) return;
          const items = this.items.slice();
          result.items.forEach((item, i) => (items[result.offset + i] = item));
          this.items = items;
        },
        () => this.requested.delete(page),
      );
    }
  }

  /** The results above the relevance cut-off (every one loaded, in the library view). */
  relevantItems(): GridItem[] {
    const end = this.cutoff ? this.cutoff.index : this.items.length;
    return this.items.slice(0, end).filter((item): item is GridItem => item !== undefined);
  }

  async search(query: string, options: { quiet?: boolean } = {}): Promise<void> {
    const sort = this.sort;
    const trimmed = query.trim();
    if (!trimmed) {
      // An emptied box answers at once: no error of an earlier query stays under it.
      this.queryError = null;
      this.staleFor = null;
      return this.showLibrary();
    }
    const generation = ++this.generation;
    this.busy = true;
    this.asked = trimmed;
    try {
      const response = await this.bridge.api.search({ query: trimmed, k: RANKED, sort });
      if (generation !== this.generation) return;
      const fresh = !(options.quiet && this.view.mode === 'search' && this.view.query === trimmed);
      this.view = { mode: 'search', query: trimmed };
      if (fresh) this.resultsKey++;
      this.queryError = null;
      this.staleFor = null;
      // Filters alone list what passes them, newest first: there is no score to show.
      this.listedTotal = response.listed?.total ?? null;
      this.rankedTotal = response.listed ? null : (response.total ?? null);
      const items: GridItem[] = response.listed ? response.results.map(({ score: _score, breakdown: _breakdown, ...item }) => item) : response.results;
      this.setItems(items, response.cutoff, response.warnings, !fresh);
    } catch (error) {
      if (generation !== this.generation) return;
      // A malformed query is marked in the search bar where it goes wrong, not as a notice;
      // what the grid still shows is marked as the answer to the query before.
      if (error instanceof BridgeError && error.code === 'bad-input') {
        this.queryError = { message: error.reason ?? error.message, at: error.at ?? null };
        this.staleBecause = 'The query in the box has a mistake';
        this.staleFor = this.answeredQuery();
      } else {
        if (error instanceof BridgeError && (error.code === 'unavailable' || error.code === 'unauthorised')) {
          this.staleBecause = 'The search could not run (Semblance is not answering)';
          this.staleFor = this.answeredQuery();
        }
        this.notices.report(error);
      }
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  /** What the results on screen answer, as words for "showing results for …". */
  private answeredQuery(): string {
    const view = this.view;
    if (view.mode === 'search') return `“${view.query}”`;
    if (view.mode === 'similar') return `the look-alikes of ${itemName(view.of)}`;
    if (view.mode === 'substitutes') return `the substitutes for ${itemName(view.of)}`;
    return 'the library';
  }

  /**
   * The library changed underneath (indexing finished, a folder came or went): the view on
   * screen is asked again, keeping the selection and the scroll, so it never shows a count or
   * a ranking of a library that is no longer there.
   */
  async refresh(): Promise<void> {
    if (this.busy) return;
    // A search the server did not answer (it was away) is asked again now.
    if (this.staleFor !== null && this.queryError === null && this.asked) return this.search(this.asked);
    const view = this.view;
    if (view.mode === 'library') return this.showLibrary({ keepSelection: true, quiet: true });
    if (view.mode === 'search' && this.staleFor === null) return this.search(view.query, { quiet: true });
    if (view.mode === 'similar' || view.mode === 'substitutes') return this.rank(view, false);
  }

  /** Look-alikes of a photo (or product) by one signal or all; the weights panel then tunes them. */
  async findSimilar(item: GridItem, by: SimilarBy): Promise<void> {
    clearTimeout(this.rerankTimer);
    this.weights = { ...SIMILAR_WEIGHTS[by] };
    await this.rank({ mode: 'similar', of: item }, true);
  }

  /** Products like this one, by a preset's weights, with optional field conditions. */
  async findSubstitutes(item: GridItem, preset: SubstitutePreset = 'balanced'): Promise<void> {
    clearTimeout(this.rerankTimer);
    this.weights = { ...(this.presets?.builtIn.find((p) => p.name === preset)?.weights ?? { text: 1 }) };
    await this.rank({ mode: 'substitutes', of: item, where: [] }, true);
  }

  /** Slider moves: re-rank the same list shortly after the last move, keeping scroll and selection. */
  setWeights(weights: Weights, now = false): void {
    this.weights = weights;
    clearTimeout(this.rerankTimer);
    const view = this.view;
    if (view.mode !== 'similar' && view.mode !== 'substitutes') return;
    if (now) void this.rank(view, false);
    else this.rerankTimer = setTimeout(() => void this.rank(this.view, false), 150);
  }

  /** Field conditions of the substitutes view, as conditions: a value may hold spaces or quotes. */
  setWhere(where: WhereCondition[]): void {
    if (this.view.mode !== 'substitutes') return;
    void this.rank({ ...this.view, where }, false);
  }

  /**
   * The name of the weights on the sliders, for the heading and the preset menu alike: a
   * preset's (built in or saved), a "find similar" signal's, else "your weights".
   */
  get weightsName(): string {
    return this.matchingPreset ?? (Object.keys(SIMILAR_WEIGHTS) as SimilarBy[]).find((by) => this.weightsAre(SIMILAR_WEIGHTS[by])) ?? 'your weights';
  }

  /** The preset (built in or saved) whose weights are the sliders', if one is. */
  get matchingPreset(): string | null {
    return [...(this.presets?.builtIn ?? []), ...(this.presets?.saved ?? [])].find((preset) => this.weightsAre(preset.weights))?.name ?? null;
  }

  private weightsAre(weights: Weights): boolean {
    return SPACES.every((space) => Math.abs((weights[space] ?? 0) - (this.weights[space] ?? 0)) < 1e-9);
  }

  /** The weighted view on screen, as a smart album keeps it (look-alikes or substitutes, with the sliders' weights). */
  currentView(): AlbumView | null {
    const view = this.view;
    const weights = Object.fromEntries(Object.entries(this.weights).filter(([, w]) => w !== 0)) as Weights;
    if (view.mode === 'similar') return { similar: { target: String(view.of.id), weights } };
    if (view.mode === 'substitutes') return { substitutes: { product: view.of.id, weights, ...(view.where.length > 0 ? { where: view.where } : {}) } };
    return null;
  }

  /**
   * Ranks a weighted view. The view (its heading, its source item) changes only when its
   * answer arrives, with the first result selected: the header never names one view over
   * another's results.
   */
  private async rank(view: ResultsView, fresh: boolean): Promise<void> {
    if (view.mode !== 'similar' && view.mode !== 'substitutes') return;
    const weights = Object.fromEntries(Object.entries(this.weights).filter(([, w]) => w !== 0)) as Weights;
    if (Object.keys(weights).length === 0) {
      this.view = view;
      this.warnings = ['Every weight is 0: move a slider to rank by it.'];
      return;
    }
    const generation = ++this.generation;
    this.busy = true;
    try {
      const source = this.source?.id === view.of.id ? this.source : this.bridge.api.item({ id: view.of.id }).catch(() => null);
      const response =
        view.mode === 'similar'
          ? (await this.bridge.api.similar({ targets: [String(view.of.id)], weights, k: RANKED })).queries[0]
          : await this.bridge.api.substitutes({ product: view.of.id, weights, k: RANKED, ...(view.where.length > 0 ? { where: view.where } : {}) });
      const detail = await source;
      if (generation !== this.generation) return;
      this.source = detail;
      this.view = view;
      if (fresh) this.resultsKey++;
      this.queryError = null;
      this.staleFor = null;
      this.listedTotal = null;
      this.rankedTotal = response?.total ?? null;
      this.setItems(response?.results ?? [], response?.cutoff ?? null, response?.warnings ?? [], !fresh);
    } catch (error) {
      if (generation === this.generation) this.notices.report(error);
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  async refreshPresets(): Promise<void> {
    const presets = await this.notices.attempt(() => this.bridge.api.weightPresets());
    if (presets) this.presets = presets;
  }

  async savePreset(name: string, weights: Weights | null): Promise<void> {
    const presets = await this.notices.attempt(() => this.bridge.api.saveWeightPreset({ name, weights }));
    if (!presets) return;
    this.presets = presets;
    this.notices.notify('info', weights ? `Preset "${name}" saved.` : `Preset "${name}" removed.`);
  }

  private setItems(items: (GridItem | undefined)[], cutoff: RankedResponse['cutoff'], warnings: string[], keepSelection = false): void {
    const keepId = keepSelection ? this.selection.item?.id : undefined;
    this.items = items;
    this.cutoff = cutoff;
    this.warnings = warnings;
    this.selection.follow(items, keepId);
  }
}

/**
 * What the library view asks for: the filter, without the files that could not be read (they
 * have their own list in the sidebar, and would otherwise sit among the photos).
 */
function libraryRequest(filter: LibraryFilter): Omit<LibraryFilter, 'selection'> & { statuses: ('ok' | 'offline')[] } {
  const { selection: _name, ...request } = filter;
  return { ...request, statuses: ['ok', 'offline'] };
}

/** A condition as the user reads it: category = stainless steel. */
export function describeCondition({ field, op, value }: WhereCondition): string {
  return Array.isArray(value) ? `${field} in (${value.join(', ')})` : `${field} ${op} ${value}`;
}
