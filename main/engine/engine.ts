import path from 'node:path';
import type {
  FinderApi,
  SearchResponse,
  SearchVectorsRequest,
  StatusResponse,
} from '../../preload/contract.js';
import { fusedSearch, type SearchStats } from './search/fused-search.js';
import { VectorIndex } from './search/vector-index.js';
import { Store } from './store/store.js';
import { VERSION } from './version.js';

export interface EngineOptions {
  /** The database file; created with its folder if missing. */
  databaseFile: string;
}

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

  private constructor(store: Store) {
    this.store = store;
    this.index = new VectorIndex(store);
  }

  static open(options: EngineOptions): Engine {
    return new Engine(Store.open(path.resolve(options.databaseFile)));
  }

  close(): void {
    this.index.close();
    this.store.close();
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
}
