import { REQUEST_SCHEMAS, type FinderApi, type FinderEvent, type FinderMethod, type IndexProgress, type IndexRequest, type IndexSummary } from '../../preload/contract.js';
import { Engine, type EngineOptions } from '../engine/engine.js';

export interface SessionOptions extends Pick<EngineOptions, 'databaseFile' | 'env' | 'pool' | 'photoSpaces'> {
  /** Keep library folders in step with the disk while the app runs (default true). */
  watch?: boolean;
  /** Minimum time between two index-progress events (default 100 ms). */
  progressIntervalMs?: number;
}

type Listener = (event: FinderEvent) => void;

/**
 * What a window (desktop or web) talks to: the engine, its events for the UI, and the
 * library folders watched while it is open. Both front doors with a UI (the Electron shell
 * and `semblance serve`) run one Session, so they behave the same.
 */
export class Session {
  readonly engine: Engine;
  /** The FinderApi the front door dispatches to: the engine's, with indexing that keeps watching up to date. */
  readonly api: FinderApi;
  private readonly listeners = new Set<Listener>();
  private readonly options: SessionOptions;
  private watching: { close: (options?: { cancelJob?: boolean }) => Promise<void> } | undefined;
  private rewatching: Promise<void> = Promise.resolve();
  private lastProgress = 0;
  private pendingProgress: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(options: SessionOptions) {
    this.options = options;
    this.engine = Engine.open({
      databaseFile: options.databaseFile,
      ...(options.env ? { env: options.env } : {}),
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.photoSpaces ? { photoSpaces: options.photoSpaces } : {}),
      onIndexProgress: (progress) => this.progress(progress),
      onModelProgress: (progress) => this.emit({ type: 'model-progress', progress }),
    });
    const engine = this.engine;
    const api = Object.fromEntries(
      (Object.keys(REQUEST_SCHEMAS) as FinderMethod[]).map((method) => [method, (engine[method] as (r: unknown) => unknown).bind(engine)]),
    ) as unknown as FinderApi;
    api.index = (request) => this.index(request);
    api.removeRoot = async (request) => {
      const status = await engine.removeRoot(request);
      this.emit({ type: 'library-changed' });
      this.rewatch(false);
      return status;
    };
    api.importCatalog = async (request) => {
      const summary = await engine.importCatalog(request);
      this.emit({ type: 'library-changed' });
      return summary;
    };
    api.applyLabels = async (request) => {
      const summary = await engine.applyLabels(request);
      this.emit({ type: 'library-changed' });
      return summary;
    };
    api.saveSettings = async (request) => {
      const settings = await engine.saveSettings(request);
      // Excluded folders change what is scanned and watched: re-index and re-watch now.
      if (request.excludedFolders) this.rewatch(true);
      return settings;
    };
    this.api = api;
  }

  /** Opens the database (errors here are the front door's to show) and starts watching. */
  static open(options: SessionOptions): Session {
    const session = new Session(options);
    session.rewatch(true);
    return session;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the watcher (re)start asked for so far has happened. */
  settled(): Promise<void> {
    return this.rewatching;
  }

  /** Stops watching, cancels a running job (its finished batches stay written), closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pendingProgress);
    this.engine.currentJob()?.cancel();
    await this.rewatching;
    await this.watching?.close();
    this.watching = undefined;
    await this.engine.close();
    this.listeners.clear();
  }

  private async index(request: IndexRequest): Promise<IndexSummary> {
    const summary = await this.engine.index(request);
    this.done(summary);
    if (request.paths) this.rewatch(false); // just indexed: watch the new folder too, no second scan
    return summary;
  }

  /**
   * (Re)starts watching every library folder, after any earlier (re)start; `indexFirst`
   * reconciles them with the disk first (at start, and when what is excluded changed).
   */
  private rewatch(indexFirst: boolean): void {
    if (this.options.watch === false) return;
    this.rewatching = this.rewatching.then(async () => {
      if (this.closed) return;
      // A job running now may be the user's (a folder being added): it is left to finish.
      await this.watching?.close({ cancelJob: false });
      this.watching = undefined;
      const roots = this.engine.store.roots().map((root) => root.path);
      if (roots.length === 0 || this.closed) return;
      try {
        const watching = await this.engine.watch(
          roots,
          {
            onApplied: (summary) => this.done(summary),
            onError: (error) => this.emit({ type: 'problem', message: `Watching folders: ${error.message}` }),
          },
          { indexFirst },
        );
        if (watching.initial) this.done(watching.initial);
        this.watching = watching;
      } catch (error) {
        this.emit({ type: 'problem', message: `Cannot watch the library folders: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  }

  private done(summary: IndexSummary): void {
    this.emit({ type: 'index-done', summary });
    this.emit({ type: 'library-changed' });
  }

  /** Progress at most every progressIntervalMs, and always the last one. */
  private progress(progress: IndexProgress): void {
    clearTimeout(this.pendingProgress);
    const interval = this.options.progressIntervalMs ?? 100;
    const wait = this.lastProgress + interval - Date.now();
    const send = (): void => {
      this.lastProgress = Date.now();
      this.emit({ type: 'index-progress', progress });
    };
    if (wait <= 0 || progress.state !== 'running') send();
    else this.pendingProgress = setTimeout(send, wait);
  }

  private emit(event: FinderEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A window that went away must not stop the others from hearing.
      }
    }
  }
}
