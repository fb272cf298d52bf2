import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  MODEL_SPACES,
  type DownloadModelsRequest,
  type ApplyLabelsRequest,
  type ApplyLabelsResponse,
  type ClassifyRequest,
  type ClassifyResponse,
  type CompareResponse,
  type CatalogImportRequest,
  type CatalogImportSummary,
  type FinderApi,
  type SubstitutesRequest,
  type SubstitutesResponse,
  type SearchRequest,
  type Space,
  type SimilarRequest,
  type SimilarResponse,
  type TextSearchResponse,
  type IndexProgress,
  type IndexRequest,
  type IndexSummary,
  type ModelsResponse,
  type SearchResponse,
  type SearchVectorsRequest,
  type SetModelRequest,
  type StatusResponse,
  type BrowseRequest,
  type BrowseResponse,
  type IndexControlRequest,
  type ItemDetail,
  type LabelSetSummary,
  type ProgressResponse,
  type CompareRequest,
  type SaveWeightPresetRequest,
  type WeightPresetsResponse,
  type Weights,
  type SaveSettingsRequest,
  type SettingsResponse,
  WEIGHT_PRESETS,
} from '../../preload/contract.js';
import type { ColumnMapping } from './catalog/column-mapping.js';
import { PRODUCT_SPACES, importCatalog } from './catalog/import-catalog.js';
import { COLOUR_MODEL_ID } from './embed/colour-descriptor.js';
import { EmbedPool, type EmbedPoolOptions } from './embed/embed-pool.js';
import { badInput, notFound } from './errors.js';
import { decodableFormats } from './library/formats.js';
import { FolderWatcher } from './library/folder-watcher.js';
import { IndexJob, type IndexTarget } from './library/index-job.js';
import { browseItems, itemDetail, labelSets } from './library/item-browser.js';
import { thumbnailPath } from './library/thumbnails.js';
import type { DownloadProgress } from './models/load-models.js';
import { describeModels } from './models/model-status.js';
import { modelKey, resolveModelConfig, type ModelConfig, type ModelSettings } from './models/registry.js';
import { fusedSearch, type SearchStats } from './search/fused-search.js';
import { Searcher } from './search/searcher.js';
import { VectorIndex } from './search/vector-index.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';

export interface EngineOptions {
  /** The database file; created with its folder if missing. */
  databaseFile: string;
  /** Where model choices (SEMBLANCE_MODEL_*, SEMBLANCE_OFFLINE, ...) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Embedding pool size and threads (defaults: cores − 1 workers). */
  pool?: Pick<EmbedPoolOptions, 'size' | 'threads' | 'batchSize'>;
  /** Model download progress, for a progress bar or the UI. */
  onModelProgress?: (progress: DownloadProgress) => void;
  /** Indexing progress, for a progress bar or the UI. */
  onIndexProgress?: (progress: IndexProgress) => void;
  /** The spaces photos are embedded into (default: clip, visual, colour; add text for file and folder names). */
  photoSpaces?: Space[];
}

const MODEL_SETTINGS = 'models';
const WEIGHT_PRESETS_SETTING = 'weightPresets';
const LIBRARY_SETTINGS = 'library';

interface LibrarySettings {
  threads?: number | null;
  excludedFolders?: string[];
}
const DEFAULT_PHOTO_SPACES: Space[] = ['clip', 'visual', 'colour'];
/** The demo catalog in resources/ (two folders above out/main/engine). */
const DEMO_CATALOG = fileURLToPath(new URL('../../../resources/demo-catalog/foods.csv', import.meta.url));

/**
 * The product behind every front door. The CLI, the HTTP server and the Electron IPC router
 * all call these FinderApi methods (after validating payloads with the contract's schemas),
 * so they cannot drift apart.
 */
export class Engine implements FinderApi {
  readonly store: Store;
  readonly vectorIndex: VectorIndex;
  /** Prefilter figures of the last search, for benchmarks. */
  readonly lastSearch: SearchStats = { scanned: 0, candidates: 0 };
  private readonly options: EngineOptions;
  private pool: EmbedPool | undefined;
  private job: IndexJob | undefined;
  private readonly searcher: Searcher;
  /** The model key each space was last prepared with, in the current pool. */
  private readonly prepared = new Map<Space, string>();
  private jobs: Promise<void> = Promise.resolve();

  private constructor(store: Store, options: EngineOptions) {
    this.store = store;
    this.vectorIndex = new VectorIndex(store);
    this.options = options;
    this.searcher = new Searcher({ store, vectorIndex: this.vectorIndex, pool: () => this.embedder(), stats: this.lastSearch });
  }

  static open(options: EngineOptions): Engine {
    return new Engine(Store.open(path.resolve(options.databaseFile)), options);
  }

  /** Ends the embedding workers (releasing their models), then closes the database. */
  async close(): Promise<void> {
    this.job?.cancel();
    await this.jobs;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    this.vectorIndex.close();
    this.store.close();
  }

  /** Which model fills each space now: environment, then saved settings, then defaults. */
  modelConfig(): ModelConfig {
    return resolveModelConfig(this.options.env ?? process.env, this.store.getSetting<ModelSettings>(MODEL_SETTINGS) ?? {});
  }

  /**
   * The embedding workers, started on first use with the model choice of that moment.
   * Changing a model (setModel) restarts them.
   */
  embedder(): EmbedPool {
    this.pool ??= new EmbedPool({
      config: this.modelConfig(),
      ...(this.options.pool ?? poolForThreads(this.librarySettings().threads ?? null)),
      ...(this.options.onModelProgress ? { onProgress: this.options.onModelProgress } : {}),
    });
    return this.pool;
  }

  status(): Promise<StatusResponse> {
    const { store } = this;
    return Promise.resolve({
      version: VERSION,
      database: { path: store.file, schemaVersion: store.schemaVersion(), sizeBytes: store.sizeBytes() },
      roots: store.roots(),
      items: store.countItems(),
      spaces: store.spaces(),
      errors: store.recentErrors(),
      formats: decodableFormats(),
    });
  }

  searchVectors(request: SearchVectorsRequest): Promise<SearchResponse> {
    return Promise.resolve({ results: fusedSearch(this.store, this.vectorIndex, request, this.lastSearch) });
  }

  search(request: SearchRequest): Promise<TextSearchResponse> {
    return this.searcher.search(request);
  }

  similar(request: SimilarRequest): Promise<SimilarResponse> {
    return this.searcher.similar(request);
  }

  classify(request: ClassifyRequest): Promise<ClassifyResponse> {
    return this.searcher.classify(request);
  }

  applyLabels(request: ApplyLabelsRequest): Promise<ApplyLabelsResponse> {
    return this.searcher.applyLabels(request);
  }

  compare(request: CompareRequest): Promise<CompareResponse> {
    return this.searcher.compare(request.a, request.b);
  }

  async importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary> {
    const file = request.demo ? DEMO_CATALOG : request.file;
    if (!file) throw badInput('Name a catalog file, or ask for the demo catalog.');
    let mapping: Partial<ColumnMapping> | undefined;
    if (request.mappingFile) {
      try {
        // YAML is a superset of JSON: one parser reads both kinds of mapping file.
        mapping = parseYaml(fs.readFileSync(request.mappingFile, 'utf8')) as Partial<ColumnMapping>;
        if (!mapping || typeof mapping !== 'object') throw new Error('expected keys such as id, image, text');
      } catch (error) {
        throw badInput(`Cannot read the mapping file ${request.mappingFile}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.prepareSpaces(PRODUCT_SPACES);
    return importCatalog({
      store: this.store,
      pool: this.embedder(),
      file,
      ...(request.name ? { name: request.name } : request.demo ? { name: 'demo' } : {}),
      ...(mapping ? { mapping } : {}),
    });
  }

  substitutes(request: SubstitutesRequest): Promise<SubstitutesResponse> {
    return this.searcher.substitutes(request);
  }

  models(): Promise<ModelsResponse> {
    return Promise.resolve(describeModels(this.modelConfig()));
  }

  /** Loads each model once through the embedding workers: the same path indexing uses. */
  async downloadModels(request: DownloadModelsRequest): Promise<ModelsResponse> {
    const pool = this.embedder();
    for (const space of request.spaces ?? MODEL_SPACES) await pool.prepare(space);
    return this.models();
  }

  item(request: { id: number }): Promise<ItemDetail> {
    return Promise.resolve(itemDetail(this.store, request.id));
  }

  browse(request: BrowseRequest): Promise<BrowseResponse> {
    return Promise.resolve(browseItems(this.store, request));
  }

  labelSets(): Promise<LabelSetSummary[]> {
    return Promise.resolve(labelSets(this.store));
  }

  weightPresets(): Promise<WeightPresetsResponse> {
    const saved = this.store.getSetting<Record<string, Weights>>(WEIGHT_PRESETS_SETTING) ?? {};
    return Promise.resolve({
      builtIn: (Object.keys(WEIGHT_PRESETS) as (keyof typeof WEIGHT_PRESETS)[]).map((name) => ({ name, weights: WEIGHT_PRESETS[name] })),
      saved: Object.entries(saved)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, weights]) => ({ name, weights })),
    });
  }

  async saveWeightPreset(request: SaveWeightPresetRequest): Promise<WeightPresetsResponse> {
    if (Object.hasOwn(WEIGHT_PRESETS, request.name)) throw badInput(`"${request.name}" is a built-in preset; save yours under another name.`);
    const saved = { ...(this.store.getSetting<Record<string, Weights>>(WEIGHT_PRESETS_SETTING) ?? {}) };
    if (request.weights === null) delete saved[request.name];
    else saved[request.name] = request.weights;
    this.store.setSetting(WEIGHT_PRESETS_SETTING, saved);
    return this.weightPresets();
  }

  async settings(): Promise<SettingsResponse> {
    const saved = this.librarySettings();
    return {
      threads: saved.threads ?? null,
      cores: os.availableParallelism(),
      excludedFolders: saved.excludedFolders ?? [],
      dataFolder: path.dirname(this.store.file),
    };
  }

  async saveSettings(request: SaveSettingsRequest): Promise<SettingsResponse> {
    const saved = this.librarySettings();
    const next: LibrarySettings = {
      ...saved,
      ...(request.threads !== undefined ? { threads: request.threads } : {}),
      ...(request.excludedFolders ? { excludedFolders: [...new Set(request.excludedFolders.map((f) => path.resolve(f)))] } : {}),
    };
    this.store.setSetting(LIBRARY_SETTINGS, next);
    if ((next.threads ?? null) !== (saved.threads ?? null)) {
      // New threads take effect with new workers, started on the next embedding.
      const pool = this.pool;
      this.pool = undefined;
      this.prepared.clear();
      await pool?.close();
    }
    return this.settings();
  }

  private librarySettings(): LibrarySettings {
    return this.store.getSetting<LibrarySettings>(LIBRARY_SETTINGS) ?? {};
  }

  progress(): Promise<ProgressResponse> {
    return Promise.resolve({ index: this.job?.progress() ?? null });
  }

  async indexControl(request: IndexControlRequest): Promise<ProgressResponse> {
    const job = this.job;
    if (!job) throw notFound('No indexing job is running.');
    if (request.action === 'pause') job.pause();
    else if (request.action === 'resume') job.resume();
    else job.cancel();
    return this.progress();
  }

  /** The indexing job running now, if any: the UI pauses, resumes and cancels it. */
  currentJob(): IndexJob | undefined {
    return this.job;
  }

  /** Indexes after any job already running or queued: jobs run one at a time. */
  async index(request: IndexRequest): Promise<IndexSummary> {
    const given = request.paths?.map((p) => path.resolve(p));
    for (const folder of given ?? []) {
      const known = this.store.rootByPath(folder);
      if (!known && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
        throw badInput(`${folder} is not a folder.`);
      }
    }
    const roots = given ?? this.store.roots().map((root) => root.path);
    if (roots.length === 0) throw badInput('There are no library folders yet: name one, as in `semblance index ~/Pictures`.');
    return this.runJob(
      roots.map((root) => ({ root })),
      request.confirmRemovals ?? false,
    );
  }

  /**
   * Indexes folders (unless `indexFirst` is false: they were just indexed), then keeps them in
   * step: a watcher hands over what changes, and a full reconcile runs every
   * `reconcileMinutes` to catch what watching missed (watch limits, a drive remounted). Jobs
   * run one after another.
   */
  async watch(
    paths: string[],
    handlers: { onApplied?: (summary: IndexSummary) => void; onError?: (error: Error) => void } = {},
    options: { reconcileMinutes?: number; indexFirst?: boolean } = {},
  ): Promise<{ initial: IndexSummary | null; close: (close?: { cancelJob?: boolean }) => Promise<void> }> {
    const initial = options.indexFirst === false ? null : await this.index({ paths });
    const roots = paths.map((p) => path.resolve(p));
    const watcher = new FolderWatcher({
      roots,
      excluded: this.librarySettings().excludedFolders ?? [],
      onChanges: async (root, changed, deleted) => handlers.onApplied?.(await this.runJob([{ root, changed, deleted }], false)),
      ...(handlers.onError ? { onError: handlers.onError } : {}),
    });
    await watcher.start();
    const reconcile = setInterval(
      () => {
        this.runJob(
          roots.map((root) => ({ root })),
          false,
        ).then(handlers.onApplied, handlers.onError);
      },
      (options.reconcileMinutes ?? 30) * 60_000,
    );
    reconcile.unref();
    return {
      initial,
      /**
       * Stops watching and waits for queued jobs. Stopping for good (Ctrl-C) cancels the job
       * running; re-watching (`cancelJob: false`) leaves it, as it may be the user's own.
       */
      close: async ({ cancelJob = true } = {}) => {
        clearInterval(reconcile);
        await watcher.close();
        if (cancelJob) this.job?.cancel();
        await this.jobs;
      },
    };
  }

  /** Runs an indexing job after any job before it: one writer, one job at a time. */
  private runJob(targets: IndexTarget[], confirmRemovals: boolean): Promise<IndexSummary> {
    const run = async (): Promise<IndexSummary> => {
      const spaces = this.options.photoSpaces ?? DEFAULT_PHOTO_SPACES;
      await this.prepareSpaces(spaces);
      const job = new IndexJob(
        {
          store: this.store,
          pool: this.embedder(),
          spaces,
          thumbnailsDir: this.thumbnailsDir(),
          confirmRemovals,
          excluded: this.librarySettings().excludedFolders ?? [],
        },
        targets,
      );
      if (this.options.onIndexProgress) job.onProgress(this.options.onIndexProgress);
      this.job = job;
      try {
        return await job.run();
      } finally {
        this.job = undefined;
      }
    };
    const result = this.jobs.then(run, run);
    this.jobs = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Loads each space's model and records which model (and size) fills the space. */
  private async prepareSpaces(spaces: readonly Space[]): Promise<void> {
    const config = this.modelConfig();
    const pool = this.embedder();
    for (const space of spaces) {
      const key = space === 'colour' ? COLOUR_MODEL_ID : modelKey(config.specs[space]);
      // Once per model and pool: a watcher's small jobs should not probe the models each time.
      if (this.prepared.get(space) === key && this.store.spaceModel(space)?.modelId === key) continue;
      this.store.setSpaceModel(space, key, await pool.prepare(space));
      this.prepared.set(space, key);
    }
  }

  /** Thumbnails live beside the database. */
  private thumbnailsDir(): string {
    return path.join(path.dirname(this.store.file), 'thumbnails');
  }

  /** The thumbnail file of a photo, by item id; undefined when it has none. */
  thumbnailFile(itemId: number): string | undefined {
    const hash = this.store.db.prepare("SELECT content_hash FROM items WHERE id = ? AND kind = 'photo'").pluck().get(itemId) as
      | string
      | null
      | undefined;
    if (!hash) return undefined;
    const file = thumbnailPath(this.thumbnailsDir(), hash);
    return fs.existsSync(file) ? file : undefined;
  }

  /**
   * The original file of a photo or a product picture, by item id, only if its real path (links
   * resolved) lies inside a library folder or the catalog's folder: an id never opens a door to
   * the rest of the disk.
   */
  originalFile(itemId: number): string | undefined {
    const row = this.store.db.prepare('SELECT path, attributes FROM items WHERE id = ?').get(itemId) as
      | { path: string | null; attributes: string | null }
      | undefined;
    if (!row) return undefined;
    const attributes = row.attributes ? (JSON.parse(row.attributes) as { image?: string; catalogFolder?: string }) : {};
    const file = row.path ?? attributes.image;
    if (!file) return undefined;
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      return undefined;
    }
    const allowed = [
      ...this.store.roots().map((root) => root.path),
      ...(!row.path && attributes.catalogFolder ? [attributes.catalogFolder] : []), // a product picture: its catalog's folder
    ].flatMap((folder) => {
      try {
        return [fs.realpathSync(folder)];
      } catch {
        return [];
      }
    });
    return allowed.some((folder) => real.startsWith(folder + path.sep)) ? real : undefined;
  }

  removeRoot(request: { path: string }): Promise<StatusResponse> {
    const root = this.store.rootByPath(path.resolve(request.path));
    if (!root) throw notFound(`${request.path} is not a library folder.`);
    this.store.removeRoot(root.id);
    return this.status();
  }

  async setModel(request: SetModelRequest): Promise<ModelsResponse> {
    const settings = this.store.getSetting<ModelSettings>(MODEL_SETTINGS) ?? {};
    if (request.model === null && request.dtype) settings[request.space] = { dtype: request.dtype };
    else if (request.model === null) delete settings[request.space];
    else settings[request.space] = { model: request.model, ...(request.dtype ? { dtype: request.dtype } : {}) };
    this.store.setSetting(MODEL_SETTINGS, settings);
    const pool = this.pool;
    this.pool = undefined;
    this.prepared.clear();
    await pool?.close();
    return this.models();
  }
}

/** A number of CPU threads as embedding workers and threads per worker; null: the pool's default. */
export function poolForThreads(threads: number | null): Pick<EmbedPoolOptions, 'size' | 'threads'> {
  if (threads === null) return {};
  const cores = os.availableParallelism();
  const size = Math.max(1, Math.min(threads, cores - 1));
  return { size, threads: Math.max(1, Math.floor(threads / size)) };
}
