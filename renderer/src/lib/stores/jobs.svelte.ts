import type { JobProgress } from '../../../../preload/contract.js';
import type { Bridge } from '../../bridge.js';
import type { NoticesStore } from './notices.svelte.js';

const ENDED = ['done', 'cancelled', 'failed'];

/** The long tasks main runs (imports, label sets, downloads, indexing): a row each, with cancel. */
export class JobsStore {
  /** Jobs waiting or running, in order. */
  list = $state<JobProgress[]>([]);

  constructor(
    private readonly bridge: Bridge,
    private readonly notices: NoticesStore,
  ) {}

  /** Rows other than indexing, which has a panel of its own. */
  get others(): JobProgress[] {
    return this.list.filter((job) => job.kind !== 'index');
  }

  update(progress: JobProgress): void {
    const rest = this.list.filter((job) => job.id !== progress.id);
    this.list = ENDED.includes(progress.state) ? rest : [...rest, progress].sort((a, b) => a.id - b.id);
    if (progress.state === 'failed' && progress.error) this.notices.notify('error', `${progress.title}: ${progress.error}`);
  }

  async refresh(): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.progress());
    if (progress) this.list = progress.jobs.filter((job) => !ENDED.includes(job.state));
  }

  async control(id: number, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const progress = await this.notices.attempt(() => this.bridge.api.jobControl({ id, action }));
    if (progress) this.list = progress.jobs.filter((job) => !ENDED.includes(job.state));
  }
}
