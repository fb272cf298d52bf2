import type { JobProgress } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

const ENDED = ['done', 'cancelled', 'failed'];

/** The long tasks main runs (imports, label sets, downloads, indexing): a row each, with cancel. */
export class JobsStore {
  /** Jobs waiting or running, in order. */
  list = $state<JobProgress[]>([]);
  /** Jobs seen ending: an answer that left main before the end must not bring them back. */
  private readonly ended = new Set<number>();

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  /** Rows other than indexing, which has a panel of its own. */
  get others(): JobProgress[] {
    return this.list.filter((job) => job.kind !== 'index');
  }

  update(progress: JobProgress): void {
    if (this.ended.has(progress.id)) return;
    if (ENDED.includes(progress.state)) this.ended.add(progress.id);
    const rest = this.list.filter((job) => job.id !== progress.id);
    this.list = ENDED.includes(progress.state) ? rest : [...rest, progress].sort((a, b) => a.id - b.id);
    if (progress.state === 'failed' && progress.error) this.notices.notify('error', `${progress.title}: ${progress.error}`);
  }

  async refresh(): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.progress());
    for (const job of progress?.jobs ?? []) this.update(job);
  }

  /** The job's own events then show what the action did (its answer may be older than they are). */
  async control(id: number, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    await this.notices.attempt(() => this.bridge.api.jobControl({ id, action }));
  }
}
