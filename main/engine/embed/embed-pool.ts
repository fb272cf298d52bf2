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

/**
 * A pool of embedding worker threads. Requests queue; an idle worker takes the next one.
 * Image lists are cut into batches so several workers share a large request and each
 * worker runs batched inference.
 */
export class EmbedPool {
  readonly size: number;
  readonly threads: number;
  readonly batchSize: number;
  private readonly workers: { worker: Worker; inFlight: Map<number, Pending> }[] = [];
  private readonly queue: Job[] = [];
  private readonly waiting = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: EmbedPoolOptions) {
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    this.size = Math.max(1, options.size ?? cores - 1);
    this.threads = Math.max(1, options.threads ?? Math.floor(cores / this.size));
    this.batchSize = Math.max(1, options.batchSize ?? 8);
    const url = new URL('./embed-worker.js', import.meta.url);
    for (let i = 0; i < this.size; i++) {
      const worker = new Worker(url, { workerData: { config: options.config, threads: this.threads } });
      const slot = { worker, inFlight: new Map<number, Pending>() };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'progress') {
          options.onProgress?.(reply.progress);
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
      worker.unref();
      this.workers.push(slot);
    }
  }

  async embedImages(inputs: readonly (string | Buffer)[], spaces: readonly ImageSpace[], options: EmbedImageOptions = {}): Promise<ImageEmbedding[]> {
    const batches: Promise<ImageEmbedding[]>[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const slice = inputs.slice(start, start + this.batchSize).map((input) => (typeof input === 'string' ? input : new Uint8Array(input)));
      const thumbnails = options.thumbnails?.slice(start, start + this.batchSize);
      batches.push(
        this.send({ kind: 'images', id: 0, inputs: slice, spaces: [...spaces], ...(thumbnails ? { thumbnails } : {}) }) as Promise<ImageEmbedding[]>,
      );
    }
    return (await Promise.all(batches)).flat();
  }

  embedTexts(texts: readonly string[], space: TextSpace): Promise<Float32Array[]> {
    return this.send({ kind: 'texts', id: 0, texts: [...texts], space }) as Promise<Float32Array[]>;
  }

  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.send({ kind: 'tokens', id: 0, texts: [...texts] }) as Promise<number[]>;
  }

  /** Loads (downloading if needed) a space's whole model in a worker; resolves to its dims. */
  prepare(space: Space): Promise<number> {
    return this.send({ kind: 'prepare', id: 0, space }) as Promise<number>;
  }

  /** Releases the models in every worker, then ends the threads. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(
      this.workers.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const id = this.nextId++;
            this.waiting.set(id, { resolve: () => resolve(), reject: () => resolve() });
            slot.worker.ref();
            slot.worker.postMessage({ kind: 'close', id } satisfies WorkerRequest);
          }),
      ),
    );
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
    for (const job of this.queue.splice(0)) job.pending.reject(new SemblanceError('internal', 'The embedding pool was closed.'));
  }

  private send(request: WorkerRequest): Promise<unknown> {
    if (this.closed) return Promise.reject(new SemblanceError('internal', 'The embedding pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, pending: { resolve, reject } });
      this.pump();
    });
  }

  /**
   * Hands queued jobs to workers, up to two each: while one batch is in inference (on
   * onnxruntime's threads) the worker decodes the next, so the two stages overlap.
   */
  private pump(): void {
    for (let round = 0; round < MAX_IN_FLIGHT; round++) {
      for (const slot of this.workers) {
        if (slot.inFlight.size > round || this.queue.length === 0) continue;
        const job = this.queue.shift() as Job;
        slot.inFlight.set(job.request.id, job.pending);
        this.waiting.set(job.request.id, job.pending);
        slot.worker.ref();
        slot.worker.postMessage(job.request);
      }
    }
  }
}
