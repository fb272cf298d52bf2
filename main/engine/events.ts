import type { IndexProgress, IndexSummary, JobProgress } from '../../preload/contract.js';
import type { DownloadProgress } from './models/load-models.js';

/** What the services tell whoever listens (the Session turns these into the UI's events). */
export type EngineEvent =
  | { type: 'index-progress'; progress: IndexProgress }
  /** `added`: folders were new to the library (a front door starts watching them). */
  | { type: 'index-done'; summary: IndexSummary; added: boolean }
  | { type: 'model-progress'; progress: DownloadProgress }
  | { type: 'job-progress'; progress: JobProgress }
  /** Items were added, changed or removed. */
  | { type: 'library-changed' }
  /** The library's folders, or what is excluded from them, changed: watch anew (`rescan`: index first). */
  | { type: 'folders-changed'; rescan: boolean }
  /** Embedding threads changed: the embedding workers restart on next use. */
  | { type: 'threads-changed' };

export class EngineEvents {
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
