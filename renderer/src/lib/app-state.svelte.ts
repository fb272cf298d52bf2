import type { CatalogImportRequest, CatalogImportSummary, FinderEvent, FinderMethod, FolderImpact } from '../../../preload/contract.js';
import { folderName } from './format.js';
import type { Bridge, ConnectionState } from '../bridge.js';
import { AlbumsStore } from './stores/albums.svelte.js';
import { DuplicatesStore } from './stores/duplicates.svelte.js';
import { MapStore } from './stores/map.svelte.js';
import { PeopleStore } from './stores/people.svelte.js';
import { ErrorsStore } from './stores/errors.svelte.js';
import { JobsStore } from './stores/jobs.svelte.js';
import { LibraryStore } from './stores/library.svelte.js';
import { NoticesStore } from './stores/notices.svelte.js';
import { ResultsStore } from './stores/results.svelte.js';
import { SelectionStore } from './stores/selection.svelte.js';
import { ToolsStore } from './stores/tools.svelte.js';

export { messageOf, type Notice } from './stores/notices.svelte.js';
export { SIMILAR_WEIGHTS, type GridItem, type LibraryFilter, type QueryError, type ResultsView, type SimilarBy } from './stores/results.svelte.js';

/**
 * The UI's stores, wired: library (folders, counts, indexing), results (what the grid shows),
 * selection (and the detail pane), notices, jobs and the panels' one-off asks. Components
 * read the stores and call their actions; every call to main goes through a store. This
 * class routes main's events to the stores and does what spans several of them.
 */
export class AppState {
  readonly notices = new NoticesStore();
  readonly library: LibraryStore;
  readonly results: ResultsStore;
  readonly selection: SelectionStore;
  readonly jobs: JobsStore;
  readonly tools: ToolsStore;
  readonly errors: ErrorsStore;
  readonly albums: AlbumsStore;
  readonly duplicates: DuplicatesStore;
  readonly map: MapStore;
  readonly people: PeopleStore;
  /** The catalog import window: choosing columns for a file, or the report of an import. */
  /** The full-window viewer of the selected item. */
  viewerOpen = $state(false);
  /** The question before a folder is forgotten: what it would take out of the library. */
  forgetDialog = $state<FolderImpact | null>(null);
  catalogDialog = $state<{ step: 'mapping'; file: string } | { step: 'report'; summary: CatalogImportSummary } | null>(null);
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private liveRefreshAt = 0;
  private refreshAll = false;

  constructor(readonly bridge: Bridge) {
    this.library = new LibraryStore(bridge, this.notices);
    this.results = new ResultsStore(bridge, this.notices);
    this.selection = new SelectionStore(bridge, this.notices, () => this.results.items);
    this.results.selection = this.selection;
    this.jobs = new JobsStore(bridge, this.notices);
    this.tools = new ToolsStore(bridge, this.notices);
    this.albums = new AlbumsStore(bridge, this.notices);
    this.duplicates = new DuplicatesStore(bridge, this.notices, () => this.scheduleRefresh());
    this.map = new MapStore(bridge, this.notices);
    this.people = new PeopleStore(bridge, this.notices);
    this.errors = new ErrorsStore(bridge, this.notices, async () => {
      await this.library.refreshStatus();
      await this.results.showLibrary();
    });
  }

  /** Loads the status and the library, and listens to main from now on. */
  start(): () => void {
    const unsubscribe = this.bridge.subscribe((event) => this.onEvent(event));
    const unwatch = this.bridge.onConnection((state) => this.onConnection(state));
    this.load();
    void this.results.showLibrary();
    return () => {
      unsubscribe();
      unwatch();
    };
  }

  /**
   * Whether this library answers a method: a library in PostgreSQL (web mode over a shared
   * database) answers fewer, and says which in its status; what it lacks is left out of the
   * screens rather than failing when clicked.
   */
  offers(method: FinderMethod): boolean {
    return !(this.library.status?.unsupported ?? []).includes(method);
  }

  /** Everything the screens show, asked afresh (at start, and when a lost server is back). */
  private load(): void {
    void this.library.refreshProgress();
    void this.jobs.refresh();
    // The status first: it says which of the others this library answers.
    void this.library.refreshStatus().then(() => {
      if (this.offers('weightPresets')) void this.results.refreshPresets();
      this.refreshLists();
    });
  }

  private refreshLists(): void {
    if (this.offers('labelSets')) void this.library.refreshLabelSets();
    if (this.offers('albums')) void this.albums.refresh();
  }

  /**
   * Web mode's server stopped (one notice that stays, saying what to do) or came back (the
   * notice goes, and the screens are asked afresh). Calls failing meanwhile add no notices.
   */
  private onConnection(state: ConnectionState): void {
    if (state === 'lost') {
      this.notices.hold('connection', 'error', 'Semblance is not answering: `semblance serve` has stopped. Start it again and paste the address it prints into this tab (if it is only busy, this page reconnects by itself).');
    } else if (state === 'new-token') {
      this.notices.hold('connection', 'error', 'Semblance was started again with a new key: paste the address `semblance serve` printed into this tab.');
    } else if (this.notices.release('connection')) {
      this.notices.notify('info', 'Connected to Semblance again.');
      this.load();
      void this.results.refresh();
    }
  }

  onEvent(event: FinderEvent): void {
    switch (event.type) {
      case 'open-catalog':
        void this.importCatalog({ file: event.file });
        break;
      case 'index-progress':
        // Photos appear while a folder is indexed, not only at the end.
        if (!this.library.progress || Date.now() - this.liveRefreshAt > 2000) {
          this.liveRefreshAt = Date.now();
          // A ranking is not reshuffled under the user every two seconds: it is asked
          // again when indexing ends.
          this.scheduleRefresh({ libraryOnly: true });
        }
        this.library.progress = event.progress;
        break;
      case 'index-done':
        this.library.progress = null;
        // What indexing added shows in the view on screen, whatever it is (a search too).
        this.scheduleRefresh();
        this.library.lastSummary = event.summary;
        if (event.summary.error) this.notices.notify('error', `Indexing failed: ${event.summary.error}`);
        break;
      case 'model-progress':
        this.library.modelProgress = event.progress.loaded >= event.progress.total ? null : event.progress;
        break;
      case 'job-progress':
        this.jobs.update(event.progress);
        // New photos were checked for duplicates (after an index): the view on screen shows them.
        if (event.progress.kind === 'duplicates' && event.progress.state === 'done' && this.duplicates.open) void this.duplicates.refresh();
        break;
      case 'library-changed':
        this.scheduleRefresh();
        break;
      case 'problem':
        this.notices.notify('error', event.message);
        break;
    }
  }

  /** After the library changed: status now, and the grid if it shows the library. */
  private scheduleRefresh(options: { libraryOnly?: boolean } = {}): void {
    clearTimeout(this.refreshTimer);
    // A full refresh asked for stays asked for when a library-only one follows it.
    this.refreshAll ||= !options.libraryOnly;
    this.refreshTimer = setTimeout(() => {
      const all = this.refreshAll;
      this.refreshAll = false;
      void this.library.refreshStatus();
      this.refreshLists();
      if (all || this.results.view.mode === 'library') void this.results.refresh();
    }, 300);
  }

  /** Reads the text in the photos not read yet (a job the sidebar shows), then says what it found. */
  async readText(): Promise<void> {
    const summary = await this.notices.attempt(() => this.bridge.api.readText({}));
    if (!summary) return;
    const failed = summary.failed.length > 0 ? ` ${summary.failed.length} could not be read: ${summary.failed.slice(0, 3).map((f) => `${folderName(f.path)} (${f.reason})`).join('; ')}.` : '';
    const passed = summary.skipped > 0 ? ` ${summary.skipped.toLocaleString()} showed no line of letters at a quick look.` : '';
    const what =
      summary.read === 0 && summary.skipped === 0
        ? 'Every picture was read already.'
        : `Read ${summary.read.toLocaleString()} ${summary.read === 1 ? 'picture' : 'pictures'}: ${summary.withText.toLocaleString()} with text, found by searches and text:"…".${passed}`;
    const meaning = summary.meaning ? ` Note: ${summary.meaning}.` : '';
    this.notices.notify(failed ? 'error' : 'info', `${what}${failed}${meaning}`);
  }

  async addFolders(paths: string[]): Promise<void> {
    await this.library.addFolders(paths);
    if (this.results.view.mode === 'library') await this.results.showLibrary({ keepSelection: true, quiet: true });
  }

  /** Copies the marked items' files (or the selected one's) into a folder; says what happened. */
  async copyChosen(folder: string): Promise<void> {
    const ids = this.selection.chosen().map((item) => item.id);
    if (ids.length === 0) return;
    const summary = await this.notices.attempt(() => this.bridge.api.copyFiles({ ids, folder }));
    if (!summary) return;
    const files = `${summary.copied.length.toLocaleString()} ${summary.copied.length === 1 ? 'file' : 'files'}`;
    const renamed = summary.renamed > 0 ? ` (${summary.renamed} under a new name: the name was taken)` : '';
    const failed = summary.failed.length > 0 ? ` ${summary.failed.length} could not be copied: ${summary.failed.map((f) => `${f.path ?? `item ${f.id}`} (${f.reason})`).join('; ')}.` : '';
    const how = summary.state === 'cancelled' ? 'Cancelled after copying' : 'Copied';
    this.notices.notify(summary.failed.length > 0 ? 'error' : 'info', `${how} ${files} to ${summary.folder}${renamed}.${failed}`);
  }

  /** Asks first: the forget window says what forgetting the folder takes out of the library. */
  async askRemoveFolder(path: string): Promise<void> {
    const impact = await this.library.folderImpact(path);
    if (impact) this.forgetDialog = impact;
  }

  /** Forgets a folder (after the question), offering Undo. */
  async removeFolder(path: string): Promise<void> {
    this.forgetDialog = null;
    const forgot = await this.library.removeFolder(path);
    if (!forgot) return;
    const photos = `${forgot.photos.toLocaleString()} ${forgot.photos === 1 ? 'photo' : 'photos'}`;
    this.notices.notify('info', `Forgot ${folderName(forgot.path)}: ${photos} left the library.`, { label: 'Undo', run: () => this.restoreFolder(forgot.id) });
    if (this.results.view.mode === 'library') await this.results.showLibrary();
  }

  async restoreFolder(id: number): Promise<void> {
    const folder = this.library.status?.forgotten.find((f) => f.id === id);
    if (!(await this.library.restoreFolder(id))) return;
    if (folder) this.notices.notify('info', `${folderName(folder.path)} is back: ${folder.photos.toLocaleString()} photos, nothing to index again.`);
    if (this.results.view.mode === 'library') await this.results.showLibrary({ keepSelection: true, quiet: true });
  }

  /**
   * A catalog file opens the import window (its first rows, the columns guessed, a role picker
   * per column); the demo imports at once.
   */
  async importCatalog(request: { demo: true } | { file: string }): Promise<void> {
    if ('file' in request) {
      this.catalogDialog = { step: 'mapping', file: request.file };
      return;
    }
    if (await this.library.importCatalog(request)) await this.results.showLibrary({ filter: { kinds: ['product'] } });
  }

  /**
   * Runs an import chosen in the import window: the window closes, the job's row shows progress;
   * at the end the products show, and the report opens when there is something to read in it.
   */
  async runCatalogImport(request: CatalogImportRequest): Promise<void> {
    this.catalogDialog = null;
    const summary = await this.library.importCatalog(request);
    if (!summary) return;
    await this.results.showLibrary({ filter: { kinds: ['product'] } });
    if (summary.unreadable.length > 0 || summary.problems.length > 0 || summary.warnings.length > 0) this.catalogDialog = { step: 'report', summary };
  }

  /** Shows a catalog's last import: the rows it could not read, with their text. */
  async showCatalogReport(name: string): Promise<void> {
    const summary = await this.library.catalogReport(name);
    if (summary) this.catalogDialog = { step: 'report', summary };
  }
}
