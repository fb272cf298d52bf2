import type {
  CatalogImportRequest,
  CatalogImportSummary,
  CatalogMappingRequest,
  CatalogPreview,
  FolderImpact,
  ForgottenFolder,
  IndexProgress,
  IndexSummary,
  LabelSetSummary,
  ModelProgress,
  StatusResponse,
} from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

/** What the library holds and what indexing does: folders, counts, progress, label sets. */
export class LibraryStore {
  status = $state<StatusResponse | null>(null);
  progress = $state<IndexProgress | null>(null);
  modelProgress = $state<ModelProgress | null>(null);
  lastSummary = $state<IndexSummary | null>(null);
  labelSets = $state<LabelSetSummary[]>([]);
  /** The label set being applied now, if any. */
  labelling = $state<string | null>(null);
  /** A catalog being imported now. */
  importing = $state(false);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  get hasLibrary(): boolean {
    return (this.status?.roots.length ?? 0) > 0 || (this.status?.items.total ?? 0) > 0;
  }

  async refreshStatus(): Promise<void> {
    const status = await this.notices.attempt(() => this.bridge.api.status());
    if (status) this.status = status;
  }

  async refreshProgress(): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.progress());
    if (progress) this.progress = progress.index;
  }

  async refreshLabelSets(): Promise<void> {
    const sets = await this.notices.attempt(() => this.bridge.api.labelSets());
    if (sets) this.labelSets = sets;
  }

  async addFolders(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    const summary = await this.notices.attempt(() => this.bridge.api.index({ paths }));
    if (summary) {
      this.lastSummary = summary;
      this.notices.notify('info', `Indexed: ${summary.counts.done} new, ${summary.counts.skipped} unchanged, ${summary.counts.failed} could not be read.`);
    }
    this.progress = null;
    await this.refreshStatus();
  }

  /** What forgetting a folder would take out, for the question asked first. */
  folderImpact(path: string): Promise<FolderImpact | undefined> {
    return this.notices.attempt(() => this.bridge.api.folderImpact({ path }));
  }

  /** Forgets a folder (its items kept for undo); the folder forgotten, or undefined on failure. */
  async removeFolder(path: string): Promise<ForgottenFolder | undefined> {
    const result = await this.notices.attempt(() => this.bridge.api.removeRoot({ path }));
    if (!result) return undefined;
    const { forgot, ...status } = result;
    this.status = status;
    return forgot;
  }

  async restoreFolder(id: number): Promise<boolean> {
    const status = await this.notices.attempt(() => this.bridge.api.restoreRoot({ id }));
    if (status) this.status = status;
    return status !== undefined;
  }

  async purgeForgotten(id: number): Promise<void> {
    const status = await this.notices.attempt(() => this.bridge.api.purgeForgotten({ id }));
    if (status) this.status = status;
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.indexControl({ action }));
    if (progress) this.progress = progress.index;
  }

  /** A catalog's first rows and the mapping an import would use; undefined (with a notice) when it cannot be read. */
  previewCatalog(file: string, mapping?: CatalogMappingRequest): Promise<CatalogPreview | undefined> {
    return this.notices.attempt(() => this.bridge.api.previewCatalog({ file, ...(mapping ? { mapping } : {}) }));
  }

  /** Imports a catalog (a job: its row shows progress and a cancel); its summary, or undefined when it failed. */
  async importCatalog(request: CatalogImportRequest): Promise<CatalogImportSummary | undefined> {
    this.importing = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.importCatalog(request));
      if (!summary) return undefined;
      const imported = summary.added + summary.updated + summary.unchanged;
      const unreadable = summary.unreadable.length;
      const how = summary.state === 'cancelled' ? 'import cancelled after' : 'imported:';
      const trouble = [unreadable > 0 ? `${unreadable} ${unreadable === 1 ? 'row' : 'rows'} could not be read` : '', summary.problems.length > 0 ? `${summary.problems.length} with problems` : '']
        .filter(Boolean)
        .join(', ');
      this.notices.notify(trouble ? 'error' : 'info', `Catalog "${summary.catalog}" ${how} ${imported.toLocaleString()} products (${summary.added} new).${trouble ? ` ${trouble}: see its report.` : ''}`);
      await this.refreshStatus();
      return summary;
    } finally {
      this.importing = false;
    }
  }

  /** The last import of a catalog, for its report. */
  async catalogReport(name: string): Promise<CatalogImportSummary | undefined> {
    const catalogs = await this.notices.attempt(() => this.bridge.api.catalogs());
    return catalogs?.find((c) => c.name === name)?.summary ?? undefined;
  }

  async applyLabelSet(name: string, labels: string[], threshold: number, template?: string): Promise<boolean> {
    this.labelling = name;
    try {
      const result = await this.notices.attempt(() => this.bridge.api.applyLabels({ name, labels, threshold, ...(template ? { template } : {}) }));
      if (!result) return false;
      if (result.state === 'cancelled') {
        this.notices.notify('info', `"${name}" cancelled: its tags are as they were.`);
        return false;
      }
      const tagged = Object.entries(result.tagged).map(([label, n]) => `${label} ${n}`).join(', ');
      this.notices.notify('info', `"${name}" over ${result.items} items: ${tagged}.`);
      await this.refreshLabelSets();
      return true;
    } finally {
      this.labelling = null;
    }
  }

  async renameLabelSet(name: string, to: string): Promise<boolean> {
    const sets = await this.notices.attempt(() => this.bridge.api.renameLabelSet({ name, to }));
    if (sets) this.labelSets = sets;
    return sets !== undefined;
  }

  /** Deletes a set and its tags, offering Undo: the set applied again gives the same tags back. */
  async deleteLabelSet(set: LabelSetSummary): Promise<void> {
    const sets = await this.notices.attempt(() => this.bridge.api.deleteLabelSet({ name: set.name }));
    if (!sets) return;
    this.labelSets = sets;
    const tags = set.labels.reduce((n, l) => n + l.items, 0);
    this.notices.notify('info', `Deleted the label set "${set.name}" and its ${tags.toLocaleString()} tags.`, {
      label: 'Undo',
      run: () =>
        this.applyLabelSet(
          set.name,
          set.labels.map((l) => l.label),
          set.threshold ?? 0.5,
          set.template ?? undefined,
        ),
    });
  }
}
