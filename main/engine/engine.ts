import path from 'node:path';
import type { FinderApi, IndexProgress, Space } from '../../preload/contract.js';
import { AlbumService } from './albums/album-service.js';
import { DuplicateService } from './duplicates/duplicate-service.js';
import { CatalogService } from './catalog/catalog-service.js';
import type { EmbedPool, EmbedPoolOptions } from './embed/embed-pool.js';
import { EngineEvents } from './events.js';
import { JobScheduler } from './jobs/scheduler.js';
import { LabelService } from './labels/label-service.js';
import { LibraryService } from './library/library-service.js';
import type { DownloadProgress } from './models/load-models.js';
import { ModelService } from './models/model-service.js';
import { modelKey } from './models/registry.js';
import { fusedSearch, type SearchStats } from './search/fused-search.js';
import { Searcher } from './search/searcher.js';
import { FaceService } from './faces/face-service.js';
import { MapService } from './map/map-service.js';
import { VectorIndex } from './search/vector-index.js';
import { SettingsService, mapVocabulary } from './settings/settings-service.js';
import { Store } from './store/store.js';
import { TextService } from './text/text-service.js';

export { poolForThreads } from './models/model-service.js';

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

// The FinderApi methods are the services' own, put on the engine in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Engine extends FinderApi {}

/**
 * The product behind every front door: the services, wired. Each service owns a group of
 * FinderApi methods; the CLI, the HTTP server and the Electron IPC router all call them
 * through the engine (after validating payloads with the contract's schemas), so they
 * cannot drift apart.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Engine {
  readonly store: Store;
  readonly vectorIndex: VectorIndex;
  readonly events = new EngineEvents();
  readonly jobs = new JobScheduler();
  /** Prefilter figures of the last search, for benchmarks. */
  readonly lastSearch: SearchStats = { scanned: 0, candidates: 0, rescored: 0 };
  /** Each owns a group of FinderApi methods, their settings and their events. */
  readonly services: {
    settings: SettingsService;
    models: ModelService;
    library: LibraryService;
    search: Searcher;
    labels: LabelService;
    catalog: CatalogService;
    albums: AlbumService;
    duplicates: DuplicateService;
    text: TextService;
    map: MapService;
    faces: FaceService;
  };

  private constructor(store: Store, options: EngineOptions) {
    this.store = store;
    this.vectorIndex = new VectorIndex(store, { codesDir: codesDirOf(store.file) });
    const { events, jobs } = this;
    const settings = new SettingsService(store, events);
    const models = new ModelService(store, settings, events, jobs, { env: options.env ?? process.env, ...(options.pool ? { pool: options.pool } : {}) });
    const library = new LibraryService(store, models, settings, jobs, events, options.photoSpaces ? { photoSpaces: options.photoSpaces } : {});
    library.tidyFolders();
    const search = new Searcher({ store, vectorIndex: this.vectorIndex, pool: () => models.embedder(), stats: this.lastSearch, textModel: () => modelKey(models.config().specs.text) });
    const labels = new LabelService(store, (target, spaces) => search.vectorsOf(target, spaces), () => models.embedder(), jobs, events);
    settings.textModels = () => path.join(models.config().modelsDir, 'tesseract');
    const text = new TextService({
      store,
      jobs,
      events,
      fileOf: (id) => library.originalFile(id),
      pool: () => models.embedder(),
      textModel: () => modelKey(models.config().specs.text),
      languages: () => settings.read('library').textLanguages ?? ['eng'],
      textModels: () => settings.textModels(),
    });
    const faces = new FaceService({ store, jobs, events, fileOf: (id) => library.originalFile(id) });
    const duplicates = new DuplicateService({
      store,
      jobs,
      events,
      nearest: async (vector, k) => {
        await this.vectorIndex.prepare(['visual']);
        return fusedSearch(store, this.vectorIndex, { terms: [{ space: 'visual', vector: Array.from(vector), weight: 1 }], k }).map((hit) => ({ id: hit.id, score: hit.score }));
      },
      fileOf: (id) => library.originalFile(id),
      thumbnailOf: (hash) => library.thumbnailOf(hash),
    });
    // New photos get the library's label sets and are checked for duplicates before the index is reported done.
    library.afterIndex = async () => {
      await labels.labelNewItems().catch(() => undefined);
      await duplicates.checkNew().catch(() => undefined);
      // Reading text takes longer than indexing: queued after it, not waited for (a one-shot
      // `semblance index` ends without it; `semblance read-text` reads).
      if (settings.read('library').readText) void text.api.readText({}).catch(() => undefined);
      if (settings.read('library').faces) void faces.api.findFaces().catch(() => undefined);
    };
    const map = new MapService({
      store,
      jobs,
      vocabulary: () => mapVocabulary(settings.read('library')),
      clipWords: (words) => models.embedder().embedTexts(words.map((word) => `a photo of a ${word}`), 'clip', { lane: 'query' }),
    });
    const catalog = new CatalogService(store, models, jobs, events);
    const albums = new AlbumService(store, events);
    this.services = { settings, models, library, search, labels, catalog, albums, duplicates, text, map, faces };
    const api = { ...library.api, ...models.api, ...search.api, ...labels.api, ...catalog.api, ...settings.api, ...albums.api, ...duplicates.api, ...text.api, ...map.api, ...faces.api } satisfies FinderApi;
    Object.assign(this, api);
    jobs.onProgress((progress) => events.emit({ type: 'job-progress', progress }));
    this.events.on((event) => {
      if (event.type === 'model-progress') options.onModelProgress?.(event.progress);
      if (event.type === 'index-progress') options.onIndexProgress?.(event.progress);
    });
  }

  static open(options: EngineOptions): Engine {
    return new Engine(Store.open(path.resolve(options.databaseFile)), options);
  }

  /** Cancels what runs (finished batches stay written), ends the workers, closes the database. */
  async close(): Promise<void> {
    this.jobs.cancelAll();
    await this.jobs.idle();
    await this.services.models.close();
    await this.services.text.close();
    await this.services.faces.close();
    this.vectorIndex.close();
    this.store.close();
  }

  // Shortcuts the front doors and benchmarks use.
  embedder(): EmbedPool {
    return this.services.models.embedder();
  }
  watch(...args: Parameters<LibraryService['watch']>): ReturnType<LibraryService['watch']> {
    return this.services.library.watch(...args);
  }
  currentJob(): ReturnType<LibraryService['currentJob']> {
    return this.services.library.currentJob();
  }
  thumbnailFile(itemId: number): string | undefined {
    return this.services.library.thumbnailFile(itemId);
  }
  originalFile(itemId: number): string | undefined {
    return this.services.library.originalFile(itemId);
  }
  previewFile(itemId: number): string | undefined {
    return this.services.library.previewFile(itemId);
  }
}

/** The prefilter's codes files live next to the database: `library.db` → `library.db.codes/`. */
export function codesDirOf(databaseFile: string): string | null {
  return databaseFile === ':memory:' ? null : `${databaseFile}.codes`;
}
