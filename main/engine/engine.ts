import path from 'node:path';
import {
  MODEL_SPACES,
  type DownloadModelsRequest,
  type FinderApi,
  type ModelsResponse,
  type SearchResponse,
  type SearchVectorsRequest,
  type SetModelRequest,
  type StatusResponse,
} from '../../preload/contract.js';
import { EmbedPool, type EmbedPoolOptions } from './embed/embed-pool.js';
import type { DownloadProgress } from './models/load-models.js';
import { describeModels } from './models/model-status.js';
import { resolveModelConfig, type ModelConfig, type ModelSettings } from './models/registry.js';
import { fusedSearch, type SearchStats } from './search/fused-search.js';
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
}

const MODEL_SETTINGS = 'models';

/**
 * The product behind every front door. The CLI, the HTTP server and the Electron IPC router
 * all call these FinderApi methods (after validating payloads with the contract's schemas),
 * so they cannot drift apart.
 */
export class Engine implements FinderApi {
  readonly store: Store;
  readonly index: VectorIndex;
  /** Prefilter figures of the last search, for benchmarks. */
  readonly lastSearch: SearchStats = { scanned: 0, candidates: 0 };
  private readonly options: EngineOptions;
  private pool: EmbedPool | undefined;

  private constructor(store: Store, options: EngineOptions) {
    this.store = store;
    this.index = new VectorIndex(store);
    this.options = options;
  }

  static open(options: EngineOptions): Engine {
    return new Engine(Store.open(path.resolve(options.databaseFile)), options);
  }

  /** Ends the embedding workers (releasing their models), then closes the database. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    this.index.close();
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
      ...this.options.pool,
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
    });
  }

  searchVectors(request: SearchVectorsRequest): Promise<SearchResponse> {
    return Promise.resolve({ results: fusedSearch(this.store, this.index, request, this.lastSearch) });
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

  async setModel(request: SetModelRequest): Promise<ModelsResponse> {
    const settings = this.store.getSetting<ModelSettings>(MODEL_SETTINGS) ?? {};
    if (request.model === null) delete settings[request.space];
    else settings[request.space] = { model: request.model, ...(request.dtype ? { dtype: request.dtype } : {}) };
    this.store.setSetting(MODEL_SETTINGS, settings);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
    return this.models();
  }
}
