import type { FinderApi, FinderEvent, IndexProgress, JobProgress } from '../../preload/contract.js';
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
  /** The FinderApi the front door dispatches to: the engine's own. */
  readonly api: FinderApi;
  private readonly listeners = new Set<Listener>();
  private readonly options: SessionOptions;
  private watching: { close: (options?: { cancelJob?: boolean }) => Promise<void> } | undefined;
  private rewatching: Promise<void> = Promise.resolve();
  private lastProgress = 0;
  private pendingProgress: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly jobsSent = new Map<number, { state: JobProgress['state']; at: number }>();

  private constructor(options: SessionOptions) {
    this.options = options;
    this.engine = Engine.open({
      databaseFile: options.databaseFile,
      ...(options.env ? { env: options.env } : {}),
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.photoSpaces ? { photoSpaces: options.photoSpaces } : {}),
    });
    this.api = this.engine;
    // The services say what happened; the Session turns it into the UI's events and keeps
    // the watchers in step with the library's folders.
    this.engine.events.on((event) => {
      switch (event.type) {
        case 'index-progress':
          this.progress(event.progress);
          break;
        case 'index-done':
          this.emit({ type: 'index-done', summary: event.summary });
          this.emit({ type: 'library-changed' });
          if (event.added) this.rewatch(false); // just indexed: watch the new folder too, no second scan
          break;
        case 'model-progress':
          this.emit({ type: 'model-progress', progress: event.progress });
          break;
        case 'job-progress':
          this.jobProgress(event.progress);
          break;
        case 'library-changed':
          this.emit({ type: 'library-changed' });
          break;
        case 'folders-changed':
          this.rewatch(event.rescan);
          break;
        case 'threads-changed':
          break;
      }
    });
  }

  /** Opens the database (errors here are the front door's to show) and starts watching. */
  static open(options: SessionOptions): Session {
    const session = new Session(options);
    session.rewatch(true);
    // The first query a person types should not pay for loading the text tower: load it now
    // in the query lane's worker (a library without pictures yet has nothing to search).
    if (session.engine.store.hasVectors('clip')) void session.engine.embedder().warmQueries(['clip']).catch(() => undefined);
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
    this.engine.jobs.cancelAll();
    await this.rewatching;
    await this.watching?.close();
    this.watching = undefined;
    await this.engine.close();
    this.listeners.clear();
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
            onError: (error) => this.emit({ type: 'problem', message: `Watching folders: ${error.message}` }),
            onPresence: (folder, present) => {
              if (!present) this.emit({ type: 'problem', message: `${folder} cannot be reached (unmounted or removed): its photos are kept, offline, until it is back.` });
            },
          },
          { indexFirst },
        );
        this.watching = watching;
      } catch (error) {
        this.emit({ type: 'problem', message: `Cannot watch the library folders: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  }

  /** A job's progress at most every progressIntervalMs, and every change of state. */
  private jobProgress(progress: JobProgress): void {
    const last = this.jobsSent.get(progress.id);
    const interval = this.options.progressIntervalMs ?? 100;
    if (last && last.state === progress.state && Date.now() - last.at < interval) return;
    if (['done', 'cancelled', 'failed'].includes(progress.state)) this.jobsSent.delete(progress.id);
    else this.jobsSent.set(progress.id, { state: progress.state, at: Date.now() });
    this.emit({ type: 'job-progress', progress });
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
