import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_K,
  MAX_K,
  PHOTO_DEFAULT_SPACES,
  REQUEST_SCHEMAS,
  type AlbumView,
  type CatalogImportRequest,
  type CatalogImportSummary,
  type FinderApi,
  type FinderEvent,
  type FinderMethod,
  type ForgottenFolder,
  type IndexRequest,
  type IndexSummary,
  type ProgressResponse,
  type RankedResponse,
  type RemoveRootResponse,
  type RootStatus,
  type SearchFilters,
  type SearchHit,
  type SearchRequest,
  type SaveSettingsRequest,
  type SettingsResponse,
  type SimilarRequest,
  type SimilarResponse,
  type SubstitutesRequest,
  type SubstitutesResponse,
  type Space,
  type StatusResponse,
  type TextSearchResponse,
  type VectorTerm,
} from '../../../preload/contract.js';
import { COLOUR_MODEL_ID } from '../embed/colour-descriptor.js';
import { EmbedPool, type EmbedPoolOptions } from '../embed/embed-pool.js';
import { AlbumService } from '../albums/album-service.js';
import { catalogDetails } from '../catalog/catalog-details.js';
import { readMapping, runCatalogImport } from '../catalog/catalog-service.js';
import { PRODUCT_SPACES, previewCatalog } from '../catalog/import-catalog.js';
import { badInput, notFound, SemblanceError } from '../errors.js';
import { EngineEvents } from '../events.js';
import { LabelService } from '../labels/label-service.js';
import { JobScheduler } from '../jobs/scheduler.js';
import { controlJob } from '../jobs/job.js';
import { copyFilesJob } from '../library/copy-out.js';
import { folderToAdd } from '../library/folder-to-add.js';
import { folderTree } from '../library/folder-tree.js';
import { IndexJob } from '../library/index-job.js';
import { preparePreview, previewPath } from '../library/previews.js';
import { thumbnailPath } from '../library/thumbnails.js';
import { decodableFormats } from '../library/formats.js';
import { describeModels } from '../models/model-status.js';
import { modelKey, resolveModelConfig, type ModelConfig } from '../models/registry.js';
import { albumRanking } from '../search/album-ranking.js';
import { newestFirst } from '../search/date-order.js';
import { parseQuery, queryError } from '../search/query-language.js';
import { relevanceCutoff } from '../search/relevance-cutoff.js';
import { substitutesQuery } from '../search/substitutes.js';
import { compareSides } from '../search/compare.js';
import { colourTerm, CUTOFF_WINDOW, DEFAULT_SIMILAR_WEIGHTS, ITEM_TEXT_WEIGHT, NOTHING_INDEXED, QUERY } from '../search/search-rules.js';
import { PgAlbums } from '../store/postgres/pg-albums.js';
import { PgCatalogs } from '../store/postgres/pg-catalogs.js';
import { PgForgotten } from '../store/postgres/pg-forgotten.js';
import { UNDO_WINDOW_MS } from '../store/forgotten.js';
import { forgetFolder, restoreFolder } from '../library/forget-folder.js';
import { PgSettings } from '../store/postgres/pg-settings.js';
import { describeSettings, loadSetting, mergeSettings, presetsResponse, updateSetting, withPreset } from '../settings/settings-service.js';
import { poolForThreads } from '../models/model-service.js';
import { PgItems } from '../store/postgres/pg-items.js';
import { PgLabels } from '../store/postgres/pg-labels.js';
import { pgFusedSearch, searchOptionsFrom, type PgSearchOptions } from '../store/postgres/pg-search.js';
import { describeUrl, PgStore } from '../store/postgres/pg-store.js';
import { VERSION } from '../version.js';

export interface SharedLibraryOptions {
  /** The PostgreSQL database that holds the library (`postgres://…`). */
  url: string;
  /**
   * Files every process serving this database shares: thumbnails (by content hash, so two
   * processes making one write the same file). A folder on shared storage when the processes
   * run on several machines.
   */
  filesDir: string;
  /** Model choices (SEMBLANCE_MODEL_*, SEMBLANCE_OFFLINE, ...); every process on one database must make the same. */
  env: NodeJS.ProcessEnv;
  photoSpaces?: Space[];
  pool?: Pick<EmbedPoolOptions, 'size' | 'threads' | 'batchSize'>;
}

/** At most one library-changed event per this while changes keep coming. */
const CHANGE_QUIET_MS = 500;
/** First wait before listening again after the connection that hears changes was lost. */
const FOLLOW_RETRY_MS = 1000;

/** The methods a library on PostgreSQL answers today; the others say so (see `notHere`). */
type Answered =
  | 'status' | 'models' | 'index' | 'progress' | 'indexControl' | 'jobControl' | 'checkFolder' | 'errors' | 'folderTree'
  | 'search' | 'searchVectors' | 'similar' | 'item' | 'browse' | 'timeline' | 'preview'
  | 'albums' | 'createAlbum' | 'addToAlbum' | 'removeFromAlbum' | 'renameAlbum' | 'deleteAlbum'
  | 'classify' | 'applyLabels' | 'labelSets' | 'renameLabelSet' | 'deleteLabelSet' | 'tagItems' | 'untagItems'
  | 'importCatalog' | 'previewCatalog' | 'catalogs' | 'substitutes' | 'weightPresets' | 'saveWeightPreset'
  | 'compare' | 'copyFiles' | 'retryErrors' | 'settings' | 'saveSettings'
  | 'folderImpact' | 'removeRoot' | 'restoreRoot' | 'purgeForgotten';

/**
 * A library kept in PostgreSQL and served by any number of processes at once (web mode's
 * stateless tier): nothing of the library lives in the process. Searches read the database
 * (per-space HNSW candidates, scored exactly: pg-search.ts); indexing writes to it through the
 * same index job as the SQLite library's, one indexing job at a time across every process
 * (an advisory lock); every write is numbered in the database's change sequence and announced
 * (NOTIFY), and each process tells its UI that the library changed, so a search in one process
 * finds what another just indexed without reloading anything.
 *
 * It answers the methods in `Answered`; the rest of the FinderApi (duplicates, faces, maps,
 * text in pictures, model choice and downloads) runs on the SQLite library
 * only for now: those reject with `unsupported` and a sentence, and `status` lists them so
 * the UI leaves them out.
 */
export class SharedLibrary {
  readonly api: FinderApi;
  readonly store: PgStore;
  readonly items: PgItems;
  readonly albums: PgAlbums;
  readonly catalogs: PgCatalogs;
  readonly forgotten: PgForgotten;
  private readonly settings: PgSettings;
  private readonly labels: LabelService;
  private readonly options: SharedLibraryOptions;
  /** The FinderApi methods this library does not answer yet (status tells the UI). */
  private readonly unsupported: FinderMethod[];
  private readonly config: ModelConfig;
  /** How widely each search looks in the HNSW graphs (SEMBLANCE_PG_CANDIDATES, SEMBLANCE_PG_EF_SEARCH). */
  private readonly searchOptions: PgSearchOptions;
  private readonly jobs = new JobScheduler();
  private readonly listeners = new Set<(event: FinderEvent) => void>();
  private pool: EmbedPool | undefined;
  /** The library's embedding threads setting, as this process last read it (its pool starts with it). */
  private threads: number | null = null;
  /** Spaces whose model this process's pool has loaded and checked against the database's. */
  private readonly prepared = new Set<Space>();
  private indexJob: IndexJob | undefined;
  /** The newest change number this process knows of. */
  private seen = 0;
  private stopFollowing: (() => Promise<void>) | undefined;
  private quiet: NodeJS.Timeout | undefined;
  private missed = false;
  private closed = false;

  private constructor(store: PgStore, options: SharedLibraryOptions, searchOptions: PgSearchOptions) {
    this.store = store;
    this.items = new PgItems(store);
    this.albums = new PgAlbums(store);
    this.catalogs = new PgCatalogs(store, this.items);
    this.settings = new PgSettings(store);
    this.forgotten = new PgForgotten(store, this.items);
    this.options = options;
    this.config = resolveModelConfig(options.env, {});
    this.searchOptions = searchOptions;
    this.jobs.onProgress((progress) => this.emit({ type: 'job-progress', progress }));
    // Its library-changed events are not passed on: every process, this one too, hears of album changes through the database.
    const albums = new AlbumService(this.albums, new EngineEvents());
    this.labels = new LabelService(new PgLabels(store, this.items), (target, spaces) => this.vectorsOf(target, spaces), () => this.embedder(), this.jobs, new EngineEvents());
    const answered: Pick<FinderApi, Answered> = {
      ...albums.api,
      ...this.labels.api,
      status: () => this.status(),
      settings: async () => describeSettings(await loadSetting(this.settings, 'library'), this.options.filesDir),
      saveSettings: (request) => this.saveSettings(request),
      weightPresets: async () => presetsResponse(await loadSetting(this.settings, 'presets')),
      saveWeightPreset: async ({ name, weights }) => presetsResponse(await updateSetting(this.settings, 'presets', (saved) => withPreset(saved, name, weights))),
      importCatalog: (request) => this.importCatalog(request),
      catalogs: () => catalogDetails(this.catalogs),
      previewCatalog: ({ mappingFile, mapping, ...request }) => {
        const chosen = mapping ?? (mappingFile ? readMapping(mappingFile) : undefined);
        return previewCatalog({ store: this.catalogs, ...request, ...(chosen ? { mapping: chosen } : {}) });
      },
      substitutes: (request) => this.substitutes(request),
      compare: (request) => compareSides({ pool: () => this.embedder(), store: this.catalogs }, request.a, request.b),
      // Into a folder of the server's machine, as SQLite's web mode copies.
      copyFiles: (request) => copyFilesJob(request, { ownFolders: [this.options.filesDir], getItems: (ids) => this.catalogs.getItems(ids), jobs: this.jobs }),
      retryErrors: async (request) => {
        const { rootIds } = await this.items.retryErrors(request.ids ?? null);
        const roots = (await this.items.roots()).filter((root) => rootIds.includes(root.id));
        if (roots.length === 0) throw notFound(request.ids ? 'None of these items is a photo that failed.' : 'No photo has failed: there is nothing to retry.');
        return this.index({ paths: roots.map((root) => root.path) });
      },
      folderImpact: async (request) => this.forgotten.rootImpact((await this.rootOf(request.path)).id),
      removeRoot: (request) => this.removeRoot(request.path),
      restoreRoot: (request) => this.restoreRoot(request.id),
      purgeForgotten: async (request) => {
        if ((await this.forgotten.purgeForgotten({ id: request.id })) === 0) throw notFound(`No forgotten folder with id ${request.id}.`);
        return this.status();
      },
      models: () => Promise.resolve(describeModels(this.config)),
      index: (request) => this.index(request),
      progress: () => this.progress(),
      indexControl: (request) => {
        const job = this.jobs.running();
        if (!this.indexJob || job?.kind !== 'index') throw notFound('No indexing job is running in this process.');
        controlJob(job, request.action);
        return this.progress();
      },
      jobControl: (request) => {
        controlJob(this.jobs.get(request.id), request.action);
        return this.progress();
      },
      search: (request) => this.search(request, []),
      searchVectors: async (request) => ({ results: await pgFusedSearch(this.store, { terms: request.terms, k: request.k ?? DEFAULT_K, filters: request.filters ?? {} }, this.searchOptions) }),
      similar: (request) => this.similar(request),
      preview: async (request) => {
        const [original, hash] = await Promise.all([this.originalFile(request.id), this.items.contentHash(request.id)]);
        if (!original || !hash) throw notFound(`Item ${request.id} has no picture that can be shown.`);
        try {
          return await preparePreview(original, previewPath(this.previewsDir(), hash));
        } catch (error) {
          throw badInput(`${path.basename(original)} cannot be shown: ${(error as Error).message}`);
        }
      },
      errors: async (request) => {
        const offset = request.offset ?? 0;
        const [page, groups] = await Promise.all([
          this.items.errorPage({ ...(request.reason === undefined ? {} : { reason: request.reason }), offset, limit: request.limit ?? 100 }),
          this.items.errorGroups(),
        ]);
        return { ...page, offset, groups };
      },
      folderTree: async (request) => {
        const root = await this.rootOf(request.path);
        return folderTree(root.path, await this.items.rootItemPaths(root.id));
      },
      checkFolder: async (request) => ({ path: await this.folderToAdd(request.path) }),
      browse: (request) => this.items.browse(request),
      // Months as the person running this process counts them (its time zone), as on SQLite.
      timeline: (request) => this.items.timeline(request, Intl.DateTimeFormat().resolvedOptions().timeZone),
      item: async (request) => {
        const detail = await this.items.itemDetail(request.id);
        if (!detail) throw notFound(`No item with id ${request.id}.`);
        return detail;
      },
    };
    this.unsupported = (Object.keys(REQUEST_SCHEMAS) as FinderMethod[]).filter((method) => !(method in answered));
    const all = Object.fromEntries((Object.keys(REQUEST_SCHEMAS) as FinderMethod[]).map((method) => [method, (answered as Record<string, unknown>)[method] ?? notHere(method)]));
    this.api = all as FinderApi;
  }

  /** Connects (and brings the schema up to date), then follows the other processes' changes. */
  static async open(options: SharedLibraryOptions): Promise<SharedLibrary> {
    // A setting that is no number is said before the database is touched.
    const searchOptions = searchOptionsFrom(options.env);
    const store = await PgStore.open(options.url);
    const library = new SharedLibrary(store, options, searchOptions);
    try {
      library.threads = (await loadSetting(library.settings, 'library')).threads ?? null;
      library.seen = await store.latestChange();
      await library.follow();
    } catch (error) {
      await store.close();
      throw error;
    }
    return library;
  }

  /**
   * Listens for the change numbers. If that connection is lost (a restart of the server, a
   * network hiccup), it is opened again, after FOLLOW_RETRY_MS and longer each time, and what
   * was missed meanwhile is announced once it is back.
   */
  private async follow(): Promise<void> {
    let lost = false;
    this.stopFollowing = await this.store.follow(
      (seq) => this.changed(seq),
      () => {
        if (lost || this.closed) return;
        lost = true;
        void this.stopFollowing?.();
        void this.followAgain(FOLLOW_RETRY_MS);
      },
    );
  }

  private async followAgain(wait: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, wait).unref());
    if (this.closed) return;
    try {
      await this.follow();
      this.changed(await this.store.latestChange());
    } catch {
      void this.followAgain(Math.min(wait * 2, 60_000));
    }
  }

  subscribe(listener: (event: FinderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.jobs.cancelAll();
    await this.jobs.idle();
    await this.stopFollowing?.();
    clearTimeout(this.quiet);
    await this.pool?.close();
    await this.store.close();
  }

  // ---- pictures: the HTTP server serves these by item id ------------------------------------

  async thumbnailFile(id: number): Promise<string | undefined> {
    const hash = await this.items.contentHash(id);
    const file = hash ? thumbnailPath(this.thumbnailsDir(), hash) : undefined;
    return file && fs.existsSync(file) ? file : undefined;
  }

  /**
   * A photo's file or a product's picture, only where its real path (links resolved) lies in
   * one of the library's folders, or for a product its catalog's folder or the shared folder
   * of fetched pictures: an id never opens a door to the rest of the disk (as on SQLite).
   */
  async originalFile(id: number): Promise<string | undefined> {
    const picture = await this.catalogs.picture(id);
    if (!picture?.file) return undefined;
    let real: string;
    try {
      real = fs.realpathSync(picture.file);
    } catch {
      return undefined;
    }
    const folders = [
      ...(await this.items.roots()).map((root) => root.path),
      ...(picture.kind === 'product' && picture.catalogFolder ? [picture.catalogFolder, this.catalogPicturesDir()] : []),
    ];
    const allowed = folders.flatMap((folder) => {
      try {
        return [fs.realpathSync(folder)];
      } catch {
        return [];
      }
    });
    return allowed.some((folder) => real.startsWith(folder + path.sep)) ? real : undefined;
  }

  /** The viewer's bounded copy of a huge original once `preview` made one (in the shared folder), else the original. */
  async previewFile(id: number): Promise<string | undefined> {
    const [original, hash] = await Promise.all([this.originalFile(id), this.items.contentHash(id)]);
    if (!original || !hash) return original;
    const copy = previewPath(this.previewsDir(), hash);
    return fs.existsSync(copy) ? copy : original;
  }

  // ---- the methods ----------------------------------------------------------------------------

  private async status(): Promise<StatusResponse> {
    const [roots, items, vectors, models, recent, errorGroups, catalogs, size, forgotten] = await Promise.all([
      this.items.roots(),
      this.items.counts(),
      this.items.vectorCounts(),
      this.items.spaceModels(),
      // The most recent failures, as the SQLite library's status lists them.
      this.items.errorPage({ offset: 0, limit: 100 }),
      this.items.errorGroups(),
      this.items.catalogStatuses(),
      this.store.pool.query<{ size: string; version: number }>('SELECT pg_database_size(current_database()) AS size, (SELECT max(version) FROM schema_migrations) AS version'),
      this.forgottenFolders(),
    ]);
    return {
      version: VERSION,
      database: { path: describeUrl(this.options.url), schemaVersion: Number(size.rows[0]?.version ?? 0), sizeBytes: Number(size.rows[0]?.size ?? 0) },
      roots,
      items,
      spaces: [...models.values()].map((model) => ({ space: model.name, model: model.modelId, dims: model.dims, ...(vectors.get(model.name) ?? { vectors: 0, stale: 0 }) })),
      errors: recent.errors,
      errorGroups,
      formats: decodableFormats(),
      catalogs,
      forgotten,
      unsupported: this.unsupported,
    };
  }

  private async rootOf(folder: string): Promise<RootStatus> {
    const root = await this.forgotten.rootByPath(path.resolve(folder));
    if (!root) throw notFound(`${folder} is not a library folder.`);
    return root;
  }

  /** Forgotten folders still within their undo window; those past it are purged on the way. */
  private async forgottenFolders(): Promise<ForgottenFolder[]> {
    const now = Date.now();
    const all = await this.forgotten.forgottenFolders();
    if (all.some((folder) => folder.undoUntil < now)) await this.forgotten.purgeForgotten({ before: now - UNDO_WINDOW_MS });
    return all.filter((folder) => folder.undoUntil >= now);
  }

  /**
   * Forgets a folder as on SQLite (kept for undo, then out of the library), under the same
   * database hold as indexing: an index in another process would otherwise write into the
   * folder while it leaves.
   */
  private async removeRoot(folder: string): Promise<RemoveRootResponse> {
    const root = await this.rootOf(folder);
    const id = await this.underIndexHold(`forgetting ${root.path}`, () => forgetFolder(this.forgotten, this.jobs, root));
    const status = await this.status();
    const forgot = status.forgotten.find((f) => f.id === id);
    if (!forgot) throw new Error(`The forgotten folder ${root.path} was not kept.`);
    return { ...status, forgot };
  }

  /**
   * Undo: the items come back as they were (same ids, tags, albums, vectors), under the folder
   * again or the library folder that holds it now. Web mode watches no folders: the next index
   * reads files that changed while it was forgotten.
   */
  private async restoreRoot(id: number): Promise<StatusResponse> {
    const folder = (await this.forgottenFolders()).find((f) => f.id === id);
    if (!folder) throw notFound(`No forgotten folder with id ${id} (its undo window may have ended).`);
    await this.underIndexHold(`bringing back ${folder.path}`, async () => {
      const holder = (await this.items.roots()).find((root) => folder.path === root.path || folder.path.startsWith(root.path + path.sep));
      const rootId = holder?.id ?? (await this.forgotten.addRoot(folder.path));
      await restoreFolder(this.forgotten, this.jobs, folder, rootId);
    });
    return this.status();
  }

  private async underIndexHold<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.jobs.running()?.kind === 'index') throw badInput(`Indexing is running: cancel it or wait for it to end before ${what}.`);
    const lock = await this.store.tryJobLock('index');
    if (!lock) throw badInput(`Another Semblance process is indexing this library now: try ${what} again when it has finished.`);
    try {
      return await work();
    } finally {
      await lock.release();
    }
  }

  /** A folder someone typed, checked as the SQLite library checks it (there, a folder, not the system's nor Semblance's own files). */
  private async folderToAdd(typed: string): Promise<string> {
    const roots = (await this.items.roots()).map((root) => root.path);
    return folderToAdd(typed, { ownFolders: [this.options.filesDir], known: (folder) => roots.some((root) => folder === root || folder.startsWith(root + path.sep)) });
  }

  /** One indexing job at a time in this process (the scheduler) and across processes (the database's advisory lock). */
  private async index(request: IndexRequest): Promise<IndexSummary> {
    const roots = request.paths ? await Promise.all(request.paths.map((folder) => this.folderToAdd(folder))) : (await this.items.roots()).map((root) => root.path);
    if (roots.length === 0) throw badInput('Nothing to index: give a folder (the library has none yet).');
    const spaces = this.options.photoSpaces ?? PHOTO_DEFAULT_SPACES;
    let indexJob: IndexJob | undefined;
    const { result } = this.jobs.run({
      kind: 'index',
      title: roots.length === 1 ? `Indexing ${path.basename(roots[0] as string)}` : `Indexing ${roots.length} folders`,
      unit: 'files',
      pause: () => indexJob?.pause(),
      resume: () => indexJob?.resume(),
      run: async (job) => {
        const lock = await this.store.tryJobLock('index');
        if (!lock) throw badInput('Another Semblance process is indexing this library now (one indexing job at a time): try again when it has finished.');
        try {
          await this.prepareSpaces(spaces);
          const running = new IndexJob(
            {
              store: this.items,
              pool: this.embedder(),
              spaces,
              thumbnailsDir: this.thumbnailsDir(),
              confirmRemovals: request.confirmRemovals ?? false,
              excluded: (await loadSetting(this.settings, 'library')).excludedFolders ?? [],
              ownFolders: [this.options.filesDir],
            },
            roots.map((root) => ({ root })),
          );
          indexJob = running;
          running.onProgress((progress) => {
            job.report(progress.counts.found - progress.remaining, progress.counts.found, progress.current);
            this.emit({ type: 'index-progress', progress });
          });
          if (job.signal.aborted) running.cancel();
          job.signal.addEventListener('abort', () => running.cancel());
          this.indexJob = running;
          return await running.run();
        } finally {
          this.indexJob = undefined;
          await lock.release();
        }
      },
    });
    const summary = await result;
    // New photos get the library's label sets before the index is reported done, as on SQLite.
    await this.labels.labelNewItems().catch(() => undefined);
    this.emit({ type: 'index-done', summary });
    return summary;
  }

  /**
   * A catalog imported as on SQLite (the same import: rows streamed, re-imports touching only
   * changed rows), as a job under the same advisory lock as indexing: one writer of items at
   * a time across the processes. Fetched pictures go to the shared folder, where every
   * process serves them from.
   */
  private importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary> {
    return runCatalogImport(request, {
      store: this.catalogs,
      jobs: this.jobs,
      picturesDir: this.catalogPicturesDir(),
      prepare: async () => {
        await this.prepareSpaces(PRODUCT_SPACES);
        return this.embedder();
      },
      hold: async (work) => {
        const lock = await this.store.tryJobLock('index');
        if (!lock) throw badInput('Another Semblance process is indexing this library now (one indexing job at a time): try again when it has finished.');
        try {
          return await work();
        } finally {
          await lock.release();
        }
      },
    });
  }

  /**
   * The library's settings, changed in one step under the database's hold (two processes
   * saving at once both keep theirs). Excluded folders leave the library at the next index,
   * started now; new thread counts start this process's embedding workers again when no job
   * needs them (other processes take it when theirs next start).
   */
  private async saveSettings(request: SaveSettingsRequest): Promise<SettingsResponse> {
    const next = await updateSetting(this.settings, 'library', (saved) => mergeSettings(saved, request, null));
    if ((next.threads ?? null) !== this.threads) {
      this.threads = next.threads ?? null;
      if (!this.jobs.running() && this.pool) {
        const pool = this.pool;
        this.pool = undefined;
        this.prepared.clear();
        await pool.close();
      }
    }
    if (request.excludedFolders && (await this.items.roots()).length > 0) void this.index({}).catch(() => undefined);
    return describeSettings(next, this.options.filesDir);
  }

  private progress(): Promise<ProgressResponse> {
    return Promise.resolve({ index: this.indexJob?.progress() ?? null, jobs: this.jobs.list() });
  }

  /**
   * Words, examples and colours, as the SQLite library's search reads them, with the filters
   * that are conditions on items (in:, label:, kind:, after:, before:, album: of a plain album).
   * Filters that need the SQLite library's own tables (text:, person:) say they are not here yet.
   */
  private async search(request: SearchRequest, albumsOpen: readonly string[]): Promise<TextSearchResponse> {
    const parsed = parseQuery(request.query);
    const { filters: asked } = parsed;
    for (const [name, given] of [
      ['text:', asked.texts],
      ['person:', asked.persons],
    ] as const) {
      if (given && given.length > 0) throw badInput(`${name} is not available on a library in PostgreSQL yet: search without it, or on the SQLite library.`);
    }
    // album: a plain album's items by id; a smart album's query runs now and its relevant results are the album (as on SQLite).
    const albums: number[] = [];
    let itemIds: Set<number> | undefined;
    for (const name of asked.albums ?? []) {
      const album = await this.albums.albumByName(name);
      if (!album) throw badInput(`No album "${name}".`);
      if (album.query === null && album.view === null) {
        albums.push(album.id);
        continue;
      }
      if (albumsOpen.includes(album.name)) throw badInput(`The smart album "${album.name}" finds its items through itself (${[...albumsOpen, album.name].join(' → ')}).`);
      const found = await this.albumRanking(album.query, album.view, [...albumsOpen, album.name]);
      const ids = new Set((found.cutoff ? found.results.slice(0, found.cutoff.index) : found.results).map((hit) => hit.id));
      itemIds = itemIds ? new Set([...itemIds].filter((id) => ids.has(id))) : ids;
    }
    const filters: SearchFilters = {
      ...(albums.length > 0 ? { albums } : {}),
      ...(itemIds ? { itemIds: [...itemIds] } : {}),
      ...(asked.kinds ? { kinds: asked.kinds } : {}),
      ...(asked.labels ? { labels: asked.labels } : {}),
      ...(asked.in ? { folders: asked.in.map((folder) => path.resolve(folder)) } : {}),
      ...(asked.after !== undefined ? { after: asked.after } : {}),
      ...(asked.before !== undefined ? { before: asked.before } : {}),
    };
    if (parsed.terms.length === 0) {
      // Filters only: everything that passes them, newest first; no ranking, no cut-off.
      const { total, items } = await this.items.listItems(filters, request.k ?? DEFAULT_K);
      return { query: request.query, results: items, cutoff: null, warnings: [], listed: { total } };
    }
    const models = await this.items.spaceModels();
    if (models.size === 0) return { query: request.query, results: [], cutoff: null, total: 0, warnings: [NOTHING_INDEXED] };

    const terms: VectorTerm[] = [];
    const exclude = new Set<number>();
    const texts = parsed.terms.filter((term) => term.text !== undefined);
    if (texts.length > 0) {
      const words = texts.map((term) => term.text as string);
      const pool = this.embedder();
      await this.checkQueryModel('clip');
      const withText = models.has('text') && (await this.checkQueryModel('text').then(() => true));
      const [clip, text] = await Promise.all([pool.embedTexts(words, 'clip', QUERY), withText ? pool.embedTexts(words, 'text', QUERY) : Promise.resolve(null)]);
      texts.forEach((term, i) => terms.push({ space: 'clip', vector: Array.from(clip[i] as Float32Array), weight: term.weight }));
      if (text) texts.forEach((term, i) => terms.push({ space: 'text', vector: Array.from(text[i] as Float32Array), weight: ITEM_TEXT_WEIGHT * term.weight }));
    }
    for (const term of parsed.terms.filter((t) => t.like !== undefined)) {
      const id = Number(term.like);
      if (!/^\d+$/.test(term.like as string)) throw queryError(request.query, term.at, 'like: takes one item id on a library in PostgreSQL (a file path or several ids are not available there yet)');
      const vector = (await this.items.readVectors('clip', [id])).get(id);
      if (!vector) throw badInput(`like:${id} has no clip vector (is item ${id} indexed?).`);
      exclude.add(id);
      terms.push({ space: 'clip', vector: Array.from(vector), weight: term.weight });
    }
    for (const term of parsed.terms.filter((t) => t.colour !== undefined)) terms.push(colourTerm(request.query, term));
    const ready = terms.filter((term) => models.has(term.space));
    if (ready.length === 0) return { query: request.query, results: [], cutoff: null, total: 0, warnings: [NOTHING_INDEXED] };
    return { query: request.query, ...(await this.rank(ready, filters, request.k ?? DEFAULT_K, exclude, request.sort ?? 'score')) };
  }

  private async similar(request: SimilarRequest): Promise<SimilarResponse> {
    const weights = request.weights ?? DEFAULT_SIMILAR_WEIGHTS;
    const spaces = (Object.keys(weights) as Space[]).filter((space) => (weights[space] ?? 0) !== 0);
    if (spaces.length === 0) throw badInput('Every weight is 0, so nothing would be compared.');
    const queries: SimilarResponse['queries'] = [];
    for (const target of request.targets) {
      const { vectors } = await this.vectorsOf(target, spaces);
      const id = Number(target);
      const terms: VectorTerm[] = spaces.flatMap((space) => {
        const vector = vectors[space];
        return vector ? [{ space, vector: Array.from(vector), weight: weights[space] as number }] : [];
      });
      if (terms.length === 0) throw badInput(`${target} has no vectors in ${spaces.join(', ')} yet.`);
      queries.push({ target, id, ...(await this.rank(terms, {}, request.k ?? DEFAULT_K, new Set([id]), 'score')) });
    }
    return { queries };
  }

  /** What a smart album finds now (album-ranking.ts, the same on either library). */
  private albumRanking(query: string | null, view: AlbumView | null, albumsOpen: readonly string[]): Promise<RankedResponse> {
    return albumRanking(query, view, albumsOpen, { search: (query, open) => this.search({ query, k: MAX_K }, open), similar: (request) => this.similar(request), substitutes: (request) => this.substitutes(request) });
  }

  /** Products like this one, weighted per space, with field conditions (substitutes.ts, as on SQLite). */
  private async substitutes(request: SubstitutesRequest): Promise<SubstitutesResponse> {
    const query = await substitutesQuery(this.catalogs, request);
    const ranked = await this.rank(query.terms, query.filters, request.k ?? DEFAULT_K, new Set([query.id]), 'score');
    return { product: query.product, weights: query.weights, ...ranked };
  }

  /** An item's vectors by its id (a file outside the library is not looked up on PostgreSQL yet). */
  private async vectorsOf(target: string, spaces: readonly Space[]): Promise<{ vectors: Partial<Record<Space, Float32Array>> }> {
    if (!/^\d+$/.test(target)) throw badInput(`"${target}": on a library in PostgreSQL, give an item id (a file not in the library is not available there yet).`);
    const id = Number(target);
    const vectors: Partial<Record<Space, Float32Array>> = {};
    for (const space of spaces) {
      const vector = (await this.items.readVectors(space, [id])).get(id);
      if (vector) vectors[space] = vector;
    }
    return { vectors };
  }

  /** The best k, after the examples themselves, with the relevance cut-off found over a wider window (as on SQLite). */
  private async rank(terms: VectorTerm[], filters: SearchFilters, k: number, exclude: ReadonlySet<number>, sort: 'score' | 'date'): Promise<RankedResponse> {
    const window = Math.min(MAX_K, Math.max(k, CUTOFF_WINDOW) + exclude.size);
    const hits: SearchHit[] = (await pgFusedSearch(this.store, { terms, k: window, filters }, this.searchOptions)).filter((hit) => !exclude.has(hit.id));
    const cutoff = relevanceCutoff(hits.map((hit) => hit.score));
    if (sort === 'date') {
      // The relevant ones newest first, then the rest by score (date-order.ts, as on SQLite).
      const times = await this.items.takenTimes(hits.map((hit) => hit.id));
      const dated = newestFirst(hits, cutoff, () => times);
      return { results: dated.results.slice(0, k), cutoff: dated.cutoff, warnings: [] };
    }
    return { results: hits.slice(0, k), cutoff, warnings: [] };
  }

  // ---- models ---------------------------------------------------------------------------------

  private embedder(): EmbedPool {
    this.pool ??= new EmbedPool({ config: this.config, ...(this.options.pool ?? poolForThreads(this.threads)) });
    return this.pool;
  }

  private modelOf(space: Space): string {
    return space === 'colour' ? COLOUR_MODEL_ID : modelKey(this.config.specs[space]);
  }

  /**
   * Loads each space's model; the first process to index a space decides its model. A process
   * set up with another model refuses rather than making the others' vectors stale: the
   * processes of one database must agree.
   */
  private async prepareSpaces(spaces: readonly Space[]): Promise<void> {
    const models = await this.items.spaceModels();
    for (const space of spaces) {
      if (this.prepared.has(space) && models.get(space)?.modelId === this.modelOf(space)) continue;
      this.refuseOtherModel(space, models.get(space)?.modelId);
      const dims = await this.embedder().prepare(space);
      await this.items.setSpaceModel(space, this.modelOf(space), dims);
      this.prepared.add(space);
    }
  }

  /** A query embedded by another model than the stored vectors' would rank nonsense. */
  private async checkQueryModel(space: Space): Promise<void> {
    this.refuseOtherModel(space, (await this.items.spaceModels()).get(space)?.modelId);
  }

  private refuseOtherModel(space: Space, stored: string | undefined): void {
    const mine = this.modelOf(space);
    if (stored !== undefined && stored !== mine) {
      throw badInput(
        `This library's ${space} vectors were made by ${stored}, and this process is set up with ${mine}: every process serving one database must use the same models (SEMBLANCE_MODEL_${space.toUpperCase()}).`,
      );
    }
  }

  private thumbnailsDir(): string {
    return path.join(this.options.filesDir, 'thumbnails');
  }

  /** Pictures fetched from catalogs' links, one file per link, in the folder the processes share. */
  private catalogPicturesDir(): string {
    return path.join(this.options.filesDir, 'catalog-pictures');
  }

  private previewsDir(): string {
    return path.join(this.options.filesDir, 'previews');
  }

  /** Another process (or this one) committed changes: the UI is told (announce). */
  private changed(seq: number): void {
    if (seq <= this.seen) return;
    this.seen = seq;
    this.announce();
  }

  /**
   * An indexing job commits a batch every few photos: the UI hears at once, then at most once
   * per CHANGE_QUIET_MS while changes go on, so its lists refresh steadily, not per batch.
   */
  private announce(): void {
    if (this.quiet) {
      this.missed = true;
      return;
    }
    this.emit({ type: 'library-changed' });
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      if (this.missed) {
        this.missed = false;
        this.announce();
      }
    }, CHANGE_QUIET_MS);
    this.quiet.unref();
  }

  private emit(event: FinderEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function notHere(method: FinderMethod): () => Promise<never> {
  return () => Promise.reject(new SemblanceError('unsupported', `${method} is not available on a library in PostgreSQL yet; it works on the SQLite library (semblance store copy brings a library back into a file).`));
}

