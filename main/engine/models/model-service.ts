import os from 'node:os';
import { MODEL_SPACES, type FinderApi, type ModelsResponse, type SetModelRequest, type Space } from '../../../preload/contract.js';
import { COLOUR_MODEL_ID } from '../embed/colour-descriptor.js';
import { EmbedPool, type EmbedPoolOptions } from '../embed/embed-pool.js';
import type { EngineEvents } from '../events.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { LibraryStore } from '../store/library-store.js';
import { describeModels } from './model-status.js';
import { checkHubId, looksLikePath, modelKey, resolveModelConfig, type ModelConfig } from './registry.js';

export interface ModelServiceOptions {
  env: NodeJS.ProcessEnv;
  /** Embedding pool size and threads, when not the saved setting's. */
  pool?: Pick<EmbedPoolOptions, 'size' | 'threads' | 'batchSize'>;
}

/**
 * Which model fills each space, the embedding workers that run them (started on first use,
 * restarted when a model or the threads change), and model downloads as jobs.
 */
export class ModelService {
  private pool: EmbedPool | undefined;
  /** The model key each space was last prepared with, in the current pool. */
  private readonly prepared = new Map<Space, string>();

  constructor(
    private readonly store: LibraryStore,
    private readonly settings: SettingsService,
    private readonly events: EngineEvents,
    private readonly jobs: JobScheduler,
    private readonly options: ModelServiceOptions,
  ) {
    events.on((event) => {
      if (event.type === 'threads-changed') void this.restart();
    });
  }

  /** Which model fills each space now: environment, then saved settings, then defaults. */
  config(): ModelConfig {
    return resolveModelConfig(this.options.env, this.settings.read('models'));
  }

  /** The embedding workers, started on first use with the model choice of that moment. */
  embedder(): EmbedPool {
    this.pool ??= new EmbedPool({
      config: this.config(),
      ...(this.options.pool ?? poolForThreads(this.settings.read('library').threads ?? null)),
      onProgress: (progress) => this.events.emit({ type: 'model-progress', progress }),
    });
    return this.pool;
  }

  /** Ends the workers (releasing their models); the next embedding starts new ones. */
  async restart(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.prepared.clear();
    await pool?.close();
  }

  /** Loads each space's model and records which model (and size) fills the space. */
  async prepareSpaces(spaces: readonly Space[]): Promise<void> {
    const config = this.config();
    const pool = this.embedder();
    for (const space of spaces) {
      const key = space === 'colour' ? COLOUR_MODEL_ID : modelKey(config.specs[space]);
      // Once per model and pool: a watcher's small jobs should not probe the models each time.
      if (this.prepared.get(space) === key && this.store.spaceModel(space)?.modelId === key) continue;
      this.store.setSpaceModel(space, key, await pool.prepare(space));
      this.prepared.set(space, key);
    }
  }

  readonly api = {
    models: (): Promise<ModelsResponse> => Promise.resolve(describeModels(this.config())),

    setModel: async (request: SetModelRequest): Promise<ModelsResponse> => {
      if (request.model !== null && !looksLikePath(request.model)) checkHubId(request.model);
      const settings = { ...this.settings.read('models') };
      if (request.model === null && request.dtype) settings[request.space] = { dtype: request.dtype };
      else if (request.model === null) delete settings[request.space];
      else settings[request.space] = { model: request.model, ...(request.dtype ? { dtype: request.dtype } : {}) };
      this.settings.write('models', settings);
      await this.restart();
      return this.api.models();
    },

    /** Loads each model once through the embedding workers (the path indexing uses), as a job. */
    downloadModels: async (request): Promise<ModelsResponse> => {
      const spaces = request.spaces ?? MODEL_SPACES;
      await this.jobs.run({
        kind: 'model-download',
        title: `Getting models (${spaces.join(', ')})`,
        unit: 'models',
        run: async (job) => {
          const pool = this.embedder();
          let done = 0;
          const stop = this.events.on((event) => {
            if (event.type === 'model-progress') {
              const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
              job.report(done, spaces.length, `${event.progress.space}: ${event.progress.file} ${mb(event.progress.loaded)}/${mb(event.progress.total)} MB`);
            }
          });
          try {
            for (const space of spaces) {
              // A file being fetched finishes; cancelling stops before the next model.
              if (job.signal.aborted) break;
              job.report(done, spaces.length, space);
              await pool.prepare(space);
              done++;
              job.report(done, spaces.length, null);
            }
          } finally {
            stop();
          }
        },
      }).result;
      return this.api.models();
    },
  } satisfies Pick<FinderApi, 'models' | 'setModel' | 'downloadModels'>;

  async close(): Promise<void> {
    await this.restart();
  }
}

/** A number of CPU threads as embedding workers and threads per worker; null: the pool's default. */
export function poolForThreads(threads: number | null): Pick<EmbedPoolOptions, 'size' | 'threads'> {
  if (threads === null) return {};
  const cores = os.availableParallelism();
  const size = Math.max(1, Math.min(threads, cores - 1));
  return { size, threads: Math.max(1, Math.floor(threads / size)) };
}
