import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Space } from '../../../preload/contract.js';
import { SemblanceError } from '../errors.js';
import type { DownloadProgress } from '../models/load-models.js';
import type { ModelConfig } from '../models/registry.js';
import type { EmbedImageOptions, ImageEmbedding, ImageSpace, TextSpace } from './embedders.js';
import type { WorkerReply, WorkerRequest } from './pool-protocol.js';

export interface EmbedPoolOptions {
  config: ModelConfig;
  /** Worker threads (default: cores − 1, at least 1). */
  size?: number;
  /** onnxruntime threads per worker (default: cores / workers, at least 1). */
  threads?: number;
  /** Images per request to a worker: one batched inference each. */
  batchSize?: number;
  onProgress?: (progress: DownloadProgress) => void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Requests a worker holds at once. */
const MAX_IN_FLIGHT = 2;
type Job = { request: WorkerRequest; pending: Pending };
type Slot = { worker: Worker; inFlight: Map<number, Pending>; exited: boolean };
/** How long closing waits for a worker to release its models before ending its thread. */
const CLOSE_WAIT_MS = 10_000;

/**
 * Which queue a request waits in. 'index' is bulk work (a folder's photos, a catalog's
 * products); 'query' is what a person waits for (a text query, a like: file, labels, a
 * comparison): it has its own worker, so it never waits behind indexing batches.
 */
export type Lane = 'index' | 'query';
export interface LaneOption {
  lane?: Lane;
}

/**
 * A pool of embedding worker threads. Requests queue; an idle worker takes the next one.
 * Image lists are cut into batches so several workers share a large request and each
 * worker runs batched inference.
 */
export class EmbedPool {
  readonly size: number;
  readonly threads: number;
  readonly batchSize: number;
  private readonly workers: Slot[] = [];
  private readonly queue: Job[] = [];
  /** The query lane's worker, started on the first query (or by warmQueries). */
  private queryWorker: Slot | undefined;
  private readonly queryQueue: Job[] = [];
  private readonly waiting = new Map<number, Pending>();
  private readonly options: EmbedPoolOptions;
  private nextId = 1;
  private started = 0;
  private closed = false;

  constructor(options: EmbedPoolOptions) {
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    this.size = Math.max(1, options.size ?? cores - 1);
    this.threads = Math.max(1, options.threads ?? Math.floor(cores / this.size));
    this.batchSize = Math.max(1, options.batchSize ?? 8);
    this.options = options;
  }

  /** Index batches waiting for a worker (not yet handed to one). */
  get queuedBatches(): number {
    return this.queue.length;
  }

  /** Index batches handed to a worker so far. */
  get startedBatches(): number {
    return this.started;
  }

  /**
   * Starts the query lane's worker and loads the text towers of these spaces in it, so the
   * first query a person types does not pay for loading a model.
   */
  async warmQueries(spaces: readonly TextSpace[]): Promise<void> {
    for (const space of spaces) await this.embedTexts(['warm up'], space, { lane: 'query' });
  }

  async embedImages(
    inputs: readonly (string | Buffer)[],
    spaces: readonly ImageSpace[],
    options: EmbedImageOptions & LaneOption = {},
  ): Promise<ImageEmbedding[]> {
    const batches: Promise<ImageEmbedding[]>[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const slice = inputs.slice(start, start + this.batchSize).map((input) => (typeof input === 'string' ? input : new Uint8Array(input)));
      const thumbnails = options.thumbnails?.slice(start, start + this.batchSize);
      batches.push(
        this.send({ kind: 'images', id: 0, inputs: slice, spaces: [...spaces], ...(thumbnails ? { thumbnails } : {}) }, options.lane) as Promise<
          ImageEmbedding[]
        >,
      );
    }
    return (await Promise.all(batches)).flat();
  }

  embedTexts(texts: readonly string[], space: TextSpace, options: LaneOption = {}): Promise<Float32Array[]> {
    return this.send({ kind: 'texts', id: 0, texts: [...texts], space }, options.lane) as Promise<Float32Array[]>;
  }

  countTokens(texts: readonly string[], options: LaneOption = {}): Promise<number[]> {
    return this.send({ kind: 'tokens', id: 0, texts: [...texts] }, options.lane) as Promise<number[]>;
  }

  /** Loads (downloading if needed) a space's whole model in a worker; resolves to its dims. */
  prepare(space: Space): Promise<number> {
    return this.send({ kind: 'prepare', id: 0, space }) as Promise<number>;
  }

  /** Releases the models in every worker, then ends the threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.queryWorker ? [...this.workers, this.queryWorker] : this.workers;
    await Promise.allSettled(
      slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.exited) return resolve();
            const id = this.nextId++;
            // A worker that cannot answer (stuck in a model load, or gone) must not keep the
            // app from quitting: its models are released with the thread below.
            const timer = setTimeout(resolve, CLOSE_WAIT_MS);
            const done = (): void => {
              clearTimeout(timer);
              resolve();
            };
            this.waiting.set(id, { resolve: done, reject: done });
            slot.inFlight.set(id, { resolve: done, reject: done });
            slot.worker.ref();
            slot.worker.postMessage({ kind: 'close', id } satisfies WorkerRequest);
          }),
      ),
    );
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const job of [...this.queue.splice(0), ...this.queryQueue.splice(0)]) job.pending.reject(new SemblanceError('internal', 'The embedding pool was closed.'));
  }

  private spawn(lane: Lane): Slot {
    const url = new URL('./embed-worker.js', import.meta.url);
    const worker = new Worker(url, { workerData: { config: this.options.config, threads: this.threads, lane } });
    const slot: Slot = { worker, inFlight: new Map<number, Pending>(), exited: false };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'progress') {
        this.options.onProgress?.(reply.progress);
        return;
      }
      const pending = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      slot.inFlight.delete(reply.id);
      // An idle pool must not keep the process alive; a busy one must.
      if (slot.inFlight.size === 0) worker.unref();
      if (pending) {
        if (reply.ok) pending.resolve(reply.value);
        else pending.reject(new SemblanceError(reply.error.code, reply.error.message));
      }
      this.pump();
    });
    worker.on('error', (error) => {
      for (const pending of slot.inFlight.values()) pending.reject(new SemblanceError('internal', `An embedding worker failed: ${error.message}`));
      slot.inFlight.clear();
      worker.unref();
    });
    // A worker that ends for any reason answers nothing more: fail what it held (a job then
    // ends with the reason instead of waiting forever) and let the next request start another.
    worker.on('exit', (code) => {
      slot.exited = true;
      for (const pending of slot.inFlight.values()) pending.reject(new SemblanceError('internal', `An embedding worker stopped (exit code ${code}).`));
      slot.inFlight.clear();
      if (this.closed) return;
      const index = this.workers.indexOf(slot);
      if (index >= 0) this.workers.splice(index, 1);
      if (this.queryWorker === slot) this.queryWorker = undefined;
      if (this.queue.length > 0) while (this.workers.length < this.size) this.workers.push(this.spawn('index'));
      if (this.queryQueue.length > 0) this.queryWorker ??= this.spawn('query');
      this.pump();
    });
    worker.unref();
    return slot;
  }

  private send(request: WorkerRequest, lane: Lane = 'index'): Promise<unknown> {
    if (this.closed) return Promise.reject(new SemblanceError('internal', 'The embedding pool is closed.'));
    // Workers start on first use: a one-shot text search starts only the query lane's.
    if (lane === 'query') this.queryWorker ??= this.spawn('query');
    else while (this.workers.length < this.size) this.workers.push(this.spawn('index'));
    return new Promise((resolve, reject) => {
      (lane === 'query' ? this.queryQueue : this.queue).push({ request: { ...request, id: this.nextId++ }, pending: { resolve, reject } });
      this.pump();
    });
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.inFlight.set(job.request.id, job.pending);
    this.waiting.set(job.request.id, job.pending);
    slot.worker.ref();
    slot.worker.postMessage(job.request);
  }

  /**
   * Hands queued jobs to workers, up to two each: while one batch is in inference (on
   * onnxruntime's threads) the worker decodes the next, so the two stages overlap.
   */
  private pump(): void {
    const query = this.queryWorker;
    while (query && this.queryQueue.length > 0 && query.inFlight.size < MAX_IN_FLIGHT) this.dispatch(query, this.queryQueue.shift() as Job);
    // While a person waits for a query, no new index batch starts: the cores go to the query.
    if (query && query.inFlight.size > 0) return;
    for (let round = 0; round < MAX_IN_FLIGHT; round++) {
      for (const slot of this.workers) {
        if (slot.inFlight.size > round || this.queue.length === 0) continue;
        this.dispatch(slot, this.queue.shift() as Job);
        this.started++;
      }
    }
  }
}
