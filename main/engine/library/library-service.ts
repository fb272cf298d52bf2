import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  PHOTO_DEFAULT_SPACES,
  type FinderApi,
  type CopyFilesRequest,
  type CopyFilesSummary,
  type ErrorsResponse,
  type IndexProgress,
  type IndexRequest,
  type IndexSummary,
  type ProgressResponse,
  type Space,
  type FolderNode,
  type ForgottenFolder,
  type PreviewResponse,
  type RemoveRootResponse,
  type RootStatus,
  type StatusResponse,
} from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import { controlJob } from '../jobs/job.js';
import type { ModelService } from '../models/model-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import { UNDO_WINDOW_MS } from '../store/forgotten.js';
import type { LibraryStore } from '../store/library-store.js';
import { VERSION } from '../version.js';
import { copyFilesJob } from './copy-out.js';
import { folderTree } from './folder-tree.js';
import { forgetFolder, restoreFolder } from './forget-folder.js';
import { preparePreview, previewPath } from './previews.js';
import { folderToAdd } from './folder-to-add.js';
import { FolderPresence } from './folder-presence.js';
import { FolderWatcher } from './folder-watcher.js';
import { decodableFormats } from './formats.js';
import { IndexJob, type IndexTarget } from './index-job.js';
import { thumbnailPath } from './thumbnails.js';

export interface LibraryServiceOptions {
  /** The spaces photos are embedded into (default: the table's photo spaces). */
  photoSpaces?: Space[];
}

export interface Watching {
  initial: IndexSummary | null;
  /** Stops watching; `cancelJob: false` leaves a running job (it may be the user's own). */
  close: (close?: { cancelJob?: boolean }) => Promise<void>;
}

/**
 * The library's folders and what is in them: indexing (a job), watching, removing a folder,
 * browsing items, and the pictures with their access policy.
 */
export class LibraryService {
  private indexJob: IndexJob | undefined;
  /** Drives mounted inside each library folder, as the last full scan found them. */
  private readonly mountPoints = new Map<string, Map<string, number>>();

  constructor(
    private readonly store: LibraryStore,
    private readonly models: ModelService,
    private readonly settings: SettingsService,
    private readonly jobs: JobScheduler,
    private readonly events: EngineEvents,
    private readonly options: LibraryServiceOptions = {},
  ) {}

  readonly api = {
    status: (): Promise<StatusResponse> => {
      const { store } = this;
      return Promise.resolve({
        version: VERSION,
        database: { path: store.file, schemaVersion: store.schemaVersion(), sizeBytes: store.sizeBytes() },
        roots: store.roots(),
        items: store.countItems(),
        spaces: store.spaces(),
        errors: store.recentErrors(),
        errorGroups: store.errorGroups(),
        formats: decodableFormats(),
        catalogs: store.catalogStatuses(),
        forgotten: this.forgottenFolders(),
      });
    },

    checkFolder: async (request: { path: string }) => ({ path: this.folderToAdd(request.path) }),
    folderImpact: async (request: { path: string }) => this.store.rootImpact(this.rootOf(request.path).id),

    /** Indexes after any job already running or queued: jobs run one at a time. */
    index: (request: IndexRequest): Promise<IndexSummary> => this.index(request, true),

    /** Forgets a folder: its items leave the library now and are kept for undo a while. */
    removeRoot: async (request: { path: string }): Promise<RemoveRootResponse> => {
      const root = this.rootOf(request.path);
      if (this.indexJob && this.jobs.running()?.kind === 'index') {
        throw badInput(`Indexing is running: cancel it or wait for it to end before forgetting ${root.path}.`);
      }
      this.tidyFolders();
      const id = await forgetFolder(this.store, this.jobs, root);
      this.events.emit({ type: 'library-changed' });
      this.events.emit({ type: 'folders-changed', rescan: false });
      const status = await this.api.status();
      const forgot = status.forgotten.find((folder) => folder.id === id);
      if (!forgot) throw new Error(`The forgotten folder ${root.path} was not kept.`);
      return { ...status, forgot };
    },

    /** Undo: the folder's items come back as they were (same ids, tags, vectors), then it is watched again. */
    restoreRoot: async (request: { id: number }): Promise<StatusResponse> => {
      const folder = this.forgottenFolders().find((f) => f.id === request.id);
      if (!folder) throw notFound(`No forgotten folder with id ${request.id} (its undo window may have ended).`);
      const rootId = this.store.rootByPath(this.placeFolders([folder.path])[0] as string)?.id ?? this.store.addRoot(folder.path);
      await restoreFolder(this.store, this.jobs, folder, rootId);
      this.events.emit({ type: 'library-changed' });
      // Watched again, and read once in case files changed while it was forgotten.
      this.events.emit({ type: 'folders-changed', rescan: true });
      return await this.api.status();
    },

    preview: async (request: { id: number }): Promise<PreviewResponse> => {
      const picture = this.store.picture(request.id);
      const original = this.originalFile(request.id);
      if (!picture || !original) throw notFound(`Item ${request.id} has no picture that can be shown.`);
      const hash = picture.contentHash ?? createHash('sha256').update(original).digest('hex');
      try {
        return await preparePreview(original, previewPath(this.previewsDir(), hash));
      } catch (error) {
        throw badInput(`${path.basename(original)} cannot be shown: ${(error as Error).message}`);
      }
    },

    copyFiles: (request: CopyFilesRequest): Promise<CopyFilesSummary> => copyFilesJob(request, { ownFolders: this.ownFolders(), getItems: (ids) => this.store.getItems(ids), jobs: this.jobs }),

    purgeForgotten: async (request: { id: number }): Promise<StatusResponse> => {
      if (this.store.purgeForgotten({ id: request.id }) === 0) throw notFound(`No forgotten folder with id ${request.id}.`);
      return await this.api.status();
    },

    item: (request: { id: number }) => Promise.resolve(this.store.itemDetail(request.id)),

    errors: (request): Promise<ErrorsResponse> => {
      const offset = request.offset ?? 0;
      const limit = request.limit ?? 100;
      const page = this.store.errorPage({ ...(request.reason === undefined ? {} : { reason: request.reason }), offset, limit });
      return Promise.resolve({ ...page, offset, groups: this.store.errorGroups() });
    },

    /** Reads failed photos again now (after the user fixed a permission, say). */
    retryErrors: async (request): Promise<IndexSummary> => {
      const { rootIds } = this.store.retryErrors(request.ids ?? null);
      const roots = this.store.roots().filter((root) => rootIds.includes(root.id));
      if (roots.length === 0) throw notFound(request.ids ? 'None of these items is a photo that failed.' : 'No photo has failed: there is nothing to retry.');
      return this.runIndex(
        roots.map((root) => ({ root: root.path })),
        false,
      );
    },

    browse: (request) => Promise.resolve(this.store.browse(request)),

    timeline: async (request) => this.store.timeline(request),

    folderTree: async (request: { path: string }): Promise<FolderNode> => {
      const root = this.rootOf(request.path);
      return folderTree(root.path, this.store.rootItemPaths(root.id));
    },

    progress: (): Promise<ProgressResponse> => Promise.resolve({ index: this.indexJob?.progress() ?? null, jobs: this.jobs.list() }),

    indexControl: (request): Promise<ProgressResponse> => {
      const job = this.jobs.running();
      if (!this.indexJob || job?.kind !== 'index') throw notFound('No indexing job is running.');
      controlJob(job, request.action);
      return this.api.progress();
    },

    jobControl: (request): Promise<ProgressResponse> => {
      controlJob(this.jobs.get(request.id), request.action);
      return this.api.progress();
    },
  } satisfies Pick<FinderApi, 'status' | 'index' | 'checkFolder' | 'folderImpact' | 'removeRoot' | 'restoreRoot' | 'purgeForgotten' | 'copyFiles' | 'preview' | 'timeline' | 'folderTree' | 'item' | 'browse' | 'progress' | 'indexControl' | 'jobControl' | 'errors' | 'retryErrors'>;

  /**
   * One entry per place on disk: library folders inside another library folder are merged
   * into it (their items move, nothing is embedded again), and forgotten folders past their
   * undo window are purged. Runs when the engine opens; writes only when there is something to do.
   */
  tidyFolders(now = Date.now()): void {
    try {
      const roots = this.store.roots();
      for (const outer of roots) {
        const inner = roots.filter((root) => isInside(root.path, outer.path));
        if (inner.length > 0 && !isNested(outer.path, roots)) this.store.absorbRoots(outer.path, inner.map((root) => root.id));
      }
      const expired = this.store.forgottenFolders().some((folder) => folder.undoUntil < now);
      if (expired) this.store.purgeForgotten({ before: now - UNDO_WINDOW_MS });
    } catch {
      // A read-only or busy database: the next open tidies up.
    }
  }

  private forgottenFolders(): ForgottenFolder[] {
    const now = Date.now();
    return this.store.forgottenFolders().filter((folder) => folder.undoUntil >= now);
  }

  private rootOf(folder: string): RootStatus {
    const root = this.store.rootByPath(path.resolve(folder));
    if (!root) throw notFound(`${folder} is not a library folder.`);
    return root;
  }

  /** The library folder that is `folder` or holds it. */
  private coveringRoot(folder: string): RootStatus | undefined {
    return this.store.roots().find((root) => root.path === folder || isInside(folder, root.path));
  }

  /**
   * A folder inside a library folder is already in the library: its library folder is indexed.
   * A folder that holds library folders takes their place (and their items) as one entry.
   */
  private placeFolders(folders: readonly string[]): string[] {
    return [
      ...new Set(
        folders.map((folder) => {
          const covering = this.coveringRoot(folder);
          if (covering) return covering.path;
          const inner = this.store.roots().filter((root) => isInside(root.path, folder));
          if (inner.length > 0) {
            this.store.absorbRoots(folder, inner.map((root) => root.id));
            this.events.emit({ type: 'folders-changed', rescan: false });
          }
          return folder;
        }),
      ),
    ];
  }

  /**
   * A folder as the user named it, checked before any work starts: a full path, there, a
   * folder, not Semblance's own data nor the system's. The add-folder field asks this first,
   * so a mistyped path is refused with what was typed still in the field.
   */
  folderToAdd(typed: string): string {
    return folderToAdd(typed, { ownFolders: this.ownFolders(), known: (folder) => this.coveringRoot(folder) !== undefined });
  }

  /** `added`: the folders were named by the user (a front door starts watching them). */
  private async index(request: IndexRequest, added: boolean): Promise<IndexSummary> {
    const named = request.paths?.map((p) => this.folderToAdd(p));
    const given = named ? this.placeFolders(named) : undefined;
    const roots = given ?? this.store.roots().map((root) => root.path);
    if (roots.length === 0) throw badInput('There are no library folders yet: name one, as in `semblance index ~/Pictures`.');
    return this.runIndex(
      roots.map((root) => ({ root })),
      request.confirmRemovals ?? false,
      added && given !== undefined,
    );
  }

  /** The indexing job running now, if any. */
  currentJob(): IndexJob | undefined {
    return this.indexJob;
  }

  /**
   * Indexes folders (unless `indexFirst` is false: they were just indexed), then keeps them in
   * step: a watcher per folder hands over what changes, each folder's presence is checked
   * every few seconds (a drive unmounted under a watcher leaves it silent), and a full
   * reconcile runs every `reconcileMinutes` to catch what watching missed.
   */
  async watch(
    paths: string[],
    handlers: {
      onApplied?: (summary: IndexSummary) => void;
      onError?: (error: Error) => void;
      /** A folder became unreachable (its items are kept, offline) or came back (reconciled). */
      onPresence?: (folder: string, present: boolean) => void;
    } = {},
    options: { reconcileMinutes?: number; indexFirst?: boolean; presenceMs?: number } = {},
  ): Promise<Watching> {
    // Already watched as they are indexed here: not "added" for the front doors.
    const initial = options.indexFirst === false ? null : await this.index({ paths }, false);
    const roots = paths.map((p) => path.resolve(p));
    const watchers = new Map<string, FolderWatcher>();
    const reconcile = (root: string): Promise<void> => this.runIndex([{ root }], false).then(handlers.onApplied, handlers.onError);
    const startWatcher = async (root: string): Promise<void> => {
      const watcher = new FolderWatcher({
        roots: [root],
        excluded: [...(this.settings.read('library').excludedFolders ?? []), ...this.ownFolders()],
        onChanges: async (folder, changed, deleted) => {
          // A name that is not UTF-8 reaches the watcher mangled: the scan reads it as bytes.
          if ([...changed, ...deleted].some((file) => file.includes('\uFFFD'))) return reconcile(folder);
          handlers.onApplied?.(await this.runIndex([{ root: folder, changed, deleted }], false));
        },
        onError: (error) => {
          handlers.onError?.(error);
          void presence.get(root)?.checkNow();
        },
      });
      await watcher.start();
      watchers.set(root, watcher);
    };
    const stopWatcher = async (root: string): Promise<void> => {
      await watchers.get(root)?.close();
      watchers.delete(root);
    };
    const presence = new Map<string, FolderPresence>();
    for (const root of roots) {
      if (fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) await startWatcher(root);
      const monitor = new FolderPresence({
        folder: root,
        mountPoints: () => this.mountPoints.get(root)?.keys() ?? [],
        ...(options.presenceMs ? { intervalMs: options.presenceMs } : {}),
        onChange: async () => {
          await stopWatcher(root);
          // The reconcile tells an empty mount point from a folder that is back.
          await reconcile(root);
          const reachable = this.store.rootByPath(root)?.online ?? false;
          handlers.onPresence?.(root, reachable);
          if (reachable) await startWatcher(root);
        },
      });
      await monitor.start();
      presence.set(root, monitor);
    }
    const reconcileAll = setInterval(() => void Promise.all(roots.map(reconcile)), (options.reconcileMinutes ?? 30) * 60_000);
    reconcileAll.unref();
    return {
      initial,
      close: async ({ cancelJob = true } = {}) => {
        clearInterval(reconcileAll);
        await Promise.all([...presence.values()].map((monitor) => monitor.close()));
        await Promise.all([...watchers.keys()].map(stopWatcher));
        if (cancelJob) this.indexJob?.cancel();
        await this.jobs.idle();
      },
    };
  }

  /**
   * Semblance's own folders, as given and as real paths: the thumbnails and fetched catalog
   * pictures beside the database, and the models (with the downloads cached there). They are never scanned nor watched,
   * wherever they lie; the database itself is no image.
   */
  ownFolders(): string[] {
    const folders = [this.thumbnailsDir(), this.catalogPicturesDir(), this.models.config().modelsDir].map((f) => path.resolve(f));
    const real = folders.flatMap((folder) => {
      try {
        return [fs.realpathSync(folder)];
      } catch {
        return [];
      }
    });
    return [...new Set([...folders, ...real])];
  }

  /** The thumbnail file of a photo, by item id; undefined when it has none. */
  thumbnailFile(itemId: number): string | undefined {
    const picture = this.store.picture(itemId);
    if (picture?.kind !== 'photo' || !picture.contentHash) return undefined;
    const file = thumbnailPath(this.thumbnailsDir(), picture.contentHash);
    return fs.existsSync(file) ? file : undefined;
  }

  /**
   * The original file of a photo or a product picture, by item id, only if its real path (links
   * resolved) lies inside a library folder or the catalog's folder: an id never opens a door to
   * the rest of the disk.
   */
  originalFile(itemId: number): string | undefined {
    const picture = this.store.picture(itemId);
    if (!picture?.file) return undefined;
    let real: string;
    try {
      real = fs.realpathSync(picture.file);
    } catch {
      return undefined;
    }
    const allowed = [
      ...this.store.roots().map((root) => root.path),
      ...(picture.kind === 'product' && picture.catalogFolder ? [picture.catalogFolder, this.catalogPicturesDir()] : []),
    ].flatMap((folder) => {
      try {
        return [fs.realpathSync(folder)];
      } catch {
        return [];
      }
    });
    return allowed.some((folder) => real.startsWith(folder + path.sep)) ? real : undefined;
  }

  /** Runs an indexing job after any job before it: one writer, one job at a time. */
  private async runIndex(targets: IndexTarget[], confirmRemovals: boolean, added = false): Promise<IndexSummary> {
    let indexJob: IndexJob | undefined;
    const summary = await this.jobs.run({
      kind: 'index',
      title: targets.length === 1 ? `Indexing ${path.basename(targets[0]?.root ?? '')}` : `Indexing ${targets.length} folders`,
      unit: 'files',
      pause: () => indexJob?.pause(),
      resume: () => indexJob?.resume(),
      run: async (job) => {
        const spaces = this.options.photoSpaces ?? PHOTO_DEFAULT_SPACES;
        await this.models.prepareSpaces(spaces);
        indexJob = new IndexJob(
          {
            store: this.store,
            pool: this.models.embedder(),
            spaces,
            thumbnailsDir: this.thumbnailsDir(),
            confirmRemovals,
            excluded: this.settings.read('library').excludedFolders ?? [],
            ownFolders: this.ownFolders(),
          },
          targets,
        );
        const running = indexJob;
        running.onProgress((progress: IndexProgress) => {
          job.report(progress.counts.found - progress.remaining, progress.counts.found, progress.current);
          this.events.emit({ type: 'index-progress', progress });
        });
        if (job.signal.aborted) running.cancel();
        job.signal.addEventListener('abort', () => running.cancel());
        this.indexJob = running;
        try {
          return await running.run();
        } finally {
          this.indexJob = undefined;
          for (const target of targets) {
            if ('changed' in target) continue;
            const root = path.resolve(target.root);
            const inside = [...running.mountPoints].filter(([folder]) => folder.startsWith(root + path.sep));
            this.mountPoints.set(root, new Map(inside));
          }
        }
      },
    }).result;
    // New photos get the library's label sets before the index is reported done (so a
    // one-shot `semblance index` labels them too); a failure there is the label job's own.
    if (summary.counts.done + summary.counts.copied > 0) await this.afterIndex?.().catch(() => undefined);
    this.events.emit({ type: 'index-done', summary, added });
    return summary;
  }

  /** Runs after an index that added items (the engine sets it: label sets on new photos). */
  afterIndex: (() => Promise<void>) | undefined;

  /** Pictures fetched for catalogs live beside the database (the catalog service writes them). */
  private catalogPicturesDir(): string {
    return path.join(path.dirname(this.store.file), 'catalog-pictures');
  }

  /** The viewer's bounded copies of huge originals live beside the database. */
  private previewsDir(): string {
    return path.join(path.dirname(this.store.file), 'previews');
  }

  /** What the viewer shows at /preview/<id>: the bounded copy if one was made, else the original. */
  previewFile(itemId: number): string | undefined {
    const original = this.originalFile(itemId);
    if (!original) return undefined;
    const hash = this.store.picture(itemId)?.contentHash ?? createHash('sha256').update(original).digest('hex');
    const preview = previewPath(this.previewsDir(), hash);
    return fs.existsSync(preview) ? preview : original;
  }

  /** Thumbnails live beside the database. */
  /** Where indexing puts a picture's thumbnail. */
  thumbnailOf(contentHash: string): string {
    return thumbnailPath(this.thumbnailsDir(), contentHash);
  }

  private thumbnailsDir(): string {
    return path.join(path.dirname(this.store.file), 'thumbnails');
  }
}


/** Whether `folder` lies below `parent` (not the same folder). */
function isInside(folder: string, parent: string): boolean {
  return folder !== parent && folder.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

function isNested(folder: string, roots: readonly RootStatus[]): boolean {
  return roots.some((root) => isInside(folder, root.path));
}
