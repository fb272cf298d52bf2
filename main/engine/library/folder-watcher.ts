import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ChangeCoalescer } from './change-coalescer.js';
import { hasImageExtension, isHiddenOrSystem } from './formats.js';
import { isExcluded } from './scan-folder.js';

export interface FolderWatcherOptions {
  roots: string[];
  /** Folders left out of the library: not watched. */
  excluded?: string[];
  /** Receives what changed under one root, after a quiet moment; runs one at a time. */
  onChanges: (root: string, changed: string[], deleted: string[]) => Promise<void>;
  onError?: (error: Error) => void;
  /** Quiet time before a burst of events is handed over. */
  debounceMs?: number;
  /** A file counts as written once its size stayed the same this long (copies in progress wait). */
  stabilityMs?: number;
}

/**
 * Watches library folders with chokidar. A file being copied in is reported once its size
 * settles; bursts of events are coalesced per path and handed over a root at a time.
 */
export class FolderWatcher {
  private readonly options: Required<Omit<FolderWatcherOptions, 'onError' | 'excluded'>> & Pick<FolderWatcherOptions, 'onError' | 'excluded'>;
  private readonly coalescer = new ChangeCoalescer();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(options: FolderWatcherOptions) {
    this.options = { debounceMs: 500, stabilityMs: 1000, ...options };
  }

  async start(): Promise<void> {
    const roots = this.options.roots.map((r) => path.resolve(r));
    const excluded = (this.options.excluded ?? []).map((f) => path.resolve(f));
    this.watcher = watch(roots, {
      ignoreInitial: true,
      followSymlinks: true,
      awaitWriteFinish: { stabilityThreshold: this.options.stabilityMs, pollInterval: 100 },
      ignored: (file: string) => !roots.includes(file) && (isHiddenOrSystem(path.basename(file)) || isExcluded(path.resolve(file), excluded)),
    });
    const on = (change: 'added' | 'changed' | 'deleted', isFolder = false) => (file: string) => {
      if (!isFolder && !hasImageExtension(file)) return;
      this.coalescer.add(path.resolve(file), change, isFolder);
      this.schedule();
    };
    this.watcher
      .on('add', on('added'))
      .on('change', on('changed'))
      .on('unlink', on('deleted'))
      .on('unlinkDir', on('deleted', true))
      .on('error', (error) => this.options.onError?.(error instanceof Error ? error : new Error(String(error))));
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  /** Stops watching; changes already gathered are handed over first. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
    this.watcher = undefined;
    await this.flush();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.options.debounceMs);
  }

  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.coalescer.size === 0) return;
      const { changed, deleted } = this.coalescer.take();
      const roots = this.options.roots.map((r) => path.resolve(r));
      for (const root of roots) {
        const inside = (file: string): boolean => file === root || file.startsWith(root + path.sep);
        const c = changed.filter(inside);
        const d = deleted.filter(inside);
        if (c.length > 0 || d.length > 0) {
          try {
            await this.options.onChanges(root, c, d);
          } catch (error) {
            this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
          }
        }
      }
    });
    return this.flushing;
  }
}
