import type { IndexProgress, IndexSummary, LabelSetSummary, ModelProgress, StatusResponse } from '../../../../preload/contract.js';
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

  async removeFolder(path: string): Promise<boolean> {
    const status = await this.notices.attempt(() => this.bridge.api.removeRoot({ path }));
    if (status) this.status = status;
    return status !== undefined;
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.indexControl({ action }));
    if (progress) this.progress = progress.index;
  }

  /** Imports a catalog (a job: its row shows progress and a cancel); true when products came in. */
  async importCatalog(request: { demo: true } | { file: string }): Promise<boolean> {
    this.importing = true;
    try {
      const summary = await this.notices.attempt(() => this.bridge.api.importCatalog(request));
      if (!summary) return false;
      const problems = summary.problems.length > 0 ? ` ${summary.problems.length} rows had problems (first: line ${summary.problems[0]?.line}: ${summary.problems[0]?.reason}).` : '';
      const how = summary.state === 'cancelled' ? 'import cancelled after' : 'imported:';
      this.notices.notify(problems ? 'error' : 'info', `Catalog "${summary.catalog}" ${how} ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged.${problems}`);
      await this.refreshStatus();
      return true;
    } finally {
      this.importing = false;
    }
  }

  async applyLabelSet(name: string, labels: string[], threshold: number): Promise<boolean> {
    this.labelling = name;
    try {
      const result = await this.notices.attempt(() => this.bridge.api.applyLabels({ name, labels, threshold }));
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
}
