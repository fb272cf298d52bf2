import type {
  Breakdown,
  FinderEvent,
  IndexProgress,
  IndexSummary,
  ItemDetail,
  ItemKind,
  ItemSummary,
  LabelSetSummary,
  SubstitutePreset,
  WeightPresetsResponse,
  Weights,
  ModelProgress,
  RankedResponse,
  Space,
  StatusResponse,
} from '../../../preload/contract.js';
import { BridgeError, type Bridge } from '../bridge.js';

/** A cell of the grid: an item, with its score when it came from a search. */
export interface GridItem extends ItemSummary {
  score?: number;
  breakdown?: Breakdown;
}

export type ResultsView =
  | { mode: 'library' }
  | { mode: 'search'; query: string }
  | { mode: 'similar'; of: GridItem; by: SimilarBy | 'custom' }
  | { mode: 'substitutes'; of: GridItem; where: string };

/** What the library view lists: everything, only products, or one tag. */
export interface LibraryFilter {
  kinds?: ItemKind[];
  label?: string;
}

export type SimilarBy = 'look' | 'meaning' | 'colour';

export const SIMILAR_WEIGHTS: Record<SimilarBy, Partial<Record<Space, number>>> = {
  look: { visual: 1 },
  meaning: { clip: 1 },
  colour: { colour: 1 },
};

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** The query's error and where in the query it is (the engine says "at character N"). */
export interface QueryError {
  message: string;
  at: number | null;
}

const PAGE = 200;

/**
 * The UI's state, one place for it: what the library holds, what runs, what the grid shows,
 * which item is selected. Components read it and call its actions; it talks to the bridge.
 */
export class AppState {
  readonly bridge: Bridge;
  status = $state<StatusResponse | null>(null);
  progress = $state<IndexProgress | null>(null);
  modelProgress = $state<ModelProgress | null>(null);
  lastSummary = $state<IndexSummary | null>(null);
  notices = $state<Notice[]>([]);

  view = $state<ResultsView>({ mode: 'library' });
  /** The grid's items; undefined where a page of the library has not arrived yet. */
  items = $state.raw<(GridItem | undefined)[]>([]);
  cutoff = $state<RankedResponse['cutoff']>(null);
  warnings = $state<string[]>([]);
  queryError = $state<QueryError | null>(null);
  busy = $state(false);

  /** Bumped when a new result list starts (not when weights re-rank it): the grid scrolls to the top. */
  resultsKey = $state(0);
  libraryFilter = $state<LibraryFilter>({});
  /** The weights of the look-alike or substitutes view, as the sliders show them. */
  weights = $state<Weights>({});
  presets = $state<WeightPresetsResponse | null>(null);
  labelSets = $state<LabelSetSummary[]>([]);
  /** The label set being applied now, if any. */
  labelling = $state<string | null>(null);

  selected = $state<number | null>(null);
  /** Bumped when the user moves the selection: the grid brings it into view (a re-ranking does not). */
  revealKey = $state(0);
  detail = $state<ItemDetail | null>(null);
  detailOpen = $state(false);

  private requested = new Set<number>();
  private generation = 0;
  private nextNotice = 1;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private liveRefreshAt = 0;
  private rerankTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(bridge: Bridge) {
    this.bridge = bridge;
  }

  get hasLibrary(): boolean {
    return (this.status?.roots.length ?? 0) > 0 || (this.status?.items.total ?? 0) > 0;
  }

  get selectedItem(): GridItem | undefined {
    return this.selected === null ? undefined : this.items[this.selected];
  }

  /** Loads the status and the library, and listens to main from now on. */
  start(): () => void {
    const unsubscribe = this.bridge.subscribe((event) => this.onEvent(event));
    void this.refreshStatus();
    void this.bridge.api.progress().then(({ index }) => (this.progress = index), () => undefined);
    void this.showLibrary();
    void this.refreshPresets();
    void this.refreshLabelSets();
    return unsubscribe;
  }

  onEvent(event: FinderEvent): void {
    switch (event.type) {
      case 'index-progress':
        // Photos appear while a folder is indexed, not only at the end.
        if (!this.progress || Date.now() - this.liveRefreshAt > 2000) {
          this.liveRefreshAt = Date.now();
          this.scheduleRefresh();
        }
        this.progress = event.progress;
        break;
      case 'index-done':
        this.progress = null;
        this.lastSummary = event.summary;
        if (event.summary.error) this.notify('error', `Indexing failed: ${event.summary.error}`);
        break;
      case 'model-progress':
        this.modelProgress = event.progress.loaded >= event.progress.total ? null : event.progress;
        break;
      case 'library-changed':
        this.scheduleRefresh();
        break;
      case 'problem':
        this.notify('error', event.message);
        break;
    }
  }

  notify(kind: Notice['kind'], text: string): void {
    const id = this.nextNotice++;
    this.notices = [...this.notices.slice(-3), { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 10_000 : 4_000);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  async refreshStatus(): Promise<void> {
    try {
      this.status = await this.bridge.api.status();
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  /** After the library changed: status now, and the grid if it shows the library. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      void this.refreshStatus();
      void this.refreshLabelSets();
      if (this.view.mode === 'library' && !this.busy) void this.showLibrary({ keepSelection: true, quiet: true });
    }, 300);
  }

  // ---- what the grid shows ------------------------------------------------------------

  /**
   * Shows the library, newest first. A quiet reload (the library changed underneath) keeps
   * the selection and gives way to any search the user starts meanwhile.
   */
  async showLibrary(options: { keepSelection?: boolean; quiet?: boolean; filter?: LibraryFilter } = {}): Promise<void> {
    const keepSelection = options.keepSelection ?? false;
    const generation = options.quiet ? this.generation : ++this.generation;
    const filter = options.filter ?? (options.quiet ? this.libraryFilter : {});
    try {
      const page = await this.bridge.api.browse({ ...filter, offset: 0, limit: PAGE });
      if (generation !== this.generation) return;
      this.libraryFilter = filter;
      if (!options.quiet) this.resultsKey++;
      const items = new Array<GridItem | undefined>(page.total);
      page.items.forEach((item, i) => (items[i] = item));
      this.requested = new Set([0]);
      this.view = { mode: 'library' };
      this.setItems(items, null, [], keepSelection);
      this.queryError = null;
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  /** The grid asks for the rows it shows; pages of the library arrive as needed. */
  ensureRange(from: number, to: number): void {
    if (this.view.mode !== 'library') return;
    const generation = this.generation;
    for (let page = Math.floor(from / PAGE); page <= Math.floor(Math.max(from, to - 1) / PAGE); page++) {
      if (this.requested.has(page)) continue;
      this.requested.add(page);
      this.bridge.api.browse({ ...this.libraryFilter, offset: page * PAGE, limit: PAGE }).then(
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

  async search(query: string, sort: 'score' | 'date' = 'score'): Promise<void> {
    const trimmed = query.trim();
    if (!trimmed) {
      await this.showLibrary();
      return;
    }
    const generation = ++this.generation;
    this.busy = true;
    try {
      const response = await this.bridge.api.search({ query: trimmed, k: 1000, sort });
      if (generation !== this.generation) return;
      this.view = { mode: 'search', query: trimmed };
      this.resultsKey++;
      this.queryError = null;
      this.setItems(response.results, response.cutoff, response.warnings);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof BridgeError && error.code === 'bad-input') this.queryError = parseQueryError(error.message);
      else this.notify('error', messageOf(error));
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  /** Look-alikes of a photo (or product) by one signal or all; the weights panel then tunes them. */
  async findSimilar(item: GridItem, by: SimilarBy): Promise<void> {
    clearTimeout(this.rerankTimer);
    this.weights = { ...SIMILAR_WEIGHTS[by] };
    this.view = { mode: 'similar', of: item, by };
    await this.rank(true);
  }

  /** Products like this one, by a preset's weights, with optional field conditions. */
  async findSubstitutes(item: GridItem, preset: SubstitutePreset = 'balanced'): Promise<void> {
    clearTimeout(this.rerankTimer);
    this.weights = { ...(this.presets?.builtIn.find((p) => p.name === preset)?.weights ?? { text: 1 }) };
    this.view = { mode: 'substitutes', of: item, where: '' };
    await this.rank(true);
  }

  /** Slider moves: re-rank the same list shortly after the last move, keeping scroll and selection. */
  setWeights(weights: Weights, now = false): void {
    this.weights = weights;
    if (this.view.mode === 'similar') this.view = { ...this.view, by: 'custom' };
    clearTimeout(this.rerankTimer);
    if (now) void this.rank(false);
    else this.rerankTimer = setTimeout(() => void this.rank(false), 150);
  }

  setWhere(where: string): void {
    if (this.view.mode !== 'substitutes') return;
    this.view = { ...this.view, where };
    void this.rank(false);
  }

  private async rank(fresh: boolean): Promise<void> {
    const view = this.view;
    if (view.mode !== 'similar' && view.mode !== 'substitutes') return;
    const weights = Object.fromEntries(Object.entries(this.weights).filter(([, w]) => w !== 0)) as Weights;
    if (Object.keys(weights).length === 0) {
      this.warnings = ['Every weight is 0: move a slider to rank by it.'];
      return;
    }
    const generation = ++this.generation;
    this.busy = true;
    try {
      const response =
        view.mode === 'similar'
          ? (await this.bridge.api.similar({ targets: [String(view.of.id)], weights, k: 1000 })).queries[0]
          : await this.bridge.api.substitutes({ product: String(view.of.id), weights, k: 1000, ...(view.where.trim() ? { where: view.where } : {}) });
      if (generation !== this.generation) return;
      if (fresh) this.resultsKey++;
      this.setItems(response?.results ?? [], response?.cutoff ?? null, response?.warnings ?? [], !fresh);
    } catch (error) {
      if (generation === this.generation) this.notify('error', messageOf(error));
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  // ---- presets and labels ---------------------------------------------------------------

  async refreshPresets(): Promise<void> {
    try {
      this.presets = await this.bridge.api.weightPresets();
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  async savePreset(name: string, weights: Weights | null): Promise<void> {
    try {
      this.presets = await this.bridge.api.saveWeightPreset({ name, weights });
      this.notify('info', weights ? `Preset "${name}" saved.` : `Preset "${name}" removed.`);
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  async refreshLabelSets(): Promise<void> {
    try {
      this.labelSets = await this.bridge.api.labelSets();
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  async applyLabelSet(name: string, labels: string[], threshold: number): Promise<boolean> {
    this.labelling = name;
    try {
      const result = await this.bridge.api.applyLabels({ name, labels, threshold });
      const tagged = Object.entries(result.tagged).map(([label, n]) => `${label} ${n}`).join(', ');
      this.notify('info', `"${name}" over ${result.items} items: ${tagged}.`);
      await this.refreshLabelSets();
      return true;
    } catch (error) {
      this.notify('error', messageOf(error));
      return false;
    } finally {
      this.labelling = null;
    }
  }

  private setItems(items: (GridItem | undefined)[], cutoff: RankedResponse['cutoff'], warnings: string[], keepSelection = false): void {
    const selectedId = keepSelection ? this.selectedItem?.id : undefined;
    this.items = items;
    this.cutoff = cutoff;
    this.warnings = warnings;
    const index = selectedId === undefined ? -1 : items.findIndex((item) => item?.id === selectedId);
    this.selected = index >= 0 ? index : items.length > 0 ? 0 : null;
    if (index < 0) this.detailOpen = false;
  }

  // ---- selection and detail -----------------------------------------------------------

  select(index: number | null): void {
    if (index === null || this.items.length === 0) {
      this.selected = null;
      return;
    }
    this.selected = Math.max(0, Math.min(this.items.length - 1, index));
    this.revealKey++;
    if (this.detailOpen) void this.loadDetail();
  }

  async openDetail(index?: number): Promise<void> {
    if (index !== undefined) this.selected = index;
    this.detailOpen = true;
    await this.loadDetail();
  }

  closeDetail(): void {
    this.detailOpen = false;
    this.detail = null;
  }

  private async loadDetail(): Promise<void> {
    const item = this.selectedItem;
    if (!item) return;
    try {
      const detail = await this.bridge.api.item({ id: item.id });
      if (this.selectedItem?.id === detail.id) this.detail = detail;
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  // ---- library folders and jobs -------------------------------------------------------

  async addFolders(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    try {
      const summary = await this.bridge.api.index({ paths });
      this.lastSummary = summary;
      this.notify('info', `Indexed: ${summary.counts.done} new, ${summary.counts.skipped} unchanged, ${summary.counts.failed} could not be read.`);
    } catch (error) {
      this.notify('error', messageOf(error));
    } finally {
      this.progress = null;
      await this.refreshStatus();
      if (this.view.mode === 'library') await this.showLibrary({ keepSelection: true, quiet: true });
    }
  }

  async removeFolder(path: string): Promise<void> {
    try {
      this.status = await this.bridge.api.removeRoot({ path });
      if (this.view.mode === 'library') await this.showLibrary();
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    try {
      this.progress = (await this.bridge.api.indexControl({ action })).index;
    } catch (error) {
      this.notify('error', messageOf(error));
    }
  }

  async importDemo(): Promise<void> {
    await this.importCatalog({ demo: true });
  }

  async importCatalog(request: { demo: true } | { file: string }): Promise<void> {
    this.busy = true;
    try {
      const summary = await this.bridge.api.importCatalog(request);
      const problems = summary.problems.length > 0 ? ` ${summary.problems.length} rows had problems (first: line ${summary.problems[0]?.line}: ${summary.problems[0]?.reason}).` : '';
      this.notify(problems ? 'error' : 'info', `Catalog "${summary.catalog}": ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged.${problems}`);
      await this.refreshStatus();
      await this.showLibrary({ filter: { kinds: ['product'] } });
    } catch (error) {
      this.notify('error', messageOf(error));
    } finally {
      this.busy = false;
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function parseQueryError(message: string): QueryError {
  const match = /\(at character (\d+) of /.exec(message);
  return { message: match ? message.slice(0, match.index).trim() : message, at: match ? Number(match[1]) - 1 : null };
}
