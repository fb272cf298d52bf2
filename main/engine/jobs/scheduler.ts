import type { JobProgress } from '../../../preload/contract.js';
import { SemblanceError, notFound } from '../errors.js';
import { Job, type JobSpec } from './job.js';

/**
 * Runs jobs one at a time, in the order they came (the store has one writer), and tells
 * listeners how each one is doing. Query-time work never comes here.
 */
export class JobScheduler {
  private readonly jobs = new Map<number, Job<unknown>>();
  private queue: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(progress: JobProgress) => void>();

  /** Queues a job; resolves to its summary once it ran (see Job.run). */
  run<S>(spec: JobSpec<S>): { job: Job<S>; result: Promise<S> } {
    const job = new Job(spec);
    this.jobs.set(job.id, job as Job<unknown>);
    job.onProgress((progress) => {
      for (const listener of this.listeners) listener(progress);
    });
    let started = false;
    const ran = this.queue.then(() => {
      started = true;
      return job.run();
    });
    // A job cancelled while it waits answers now, not when its turn would have come.
    const cancelledWhileQueued = new Promise<never>((_, reject) =>
      job.onProgress((progress) => {
        if (!started && progress.state === 'cancelled') reject(new SemblanceError('cancelled', `${job.title}: cancelled before it started.`));
      }),
    );
    const result = Promise.race([ran, cancelledWhileQueued]);
    const settle = (): void => {
      this.jobs.delete(job.id);
    };
    this.queue = ran.then(settle, settle);
    // Listeners hear it queued before it runs.
    for (const listener of this.listeners) listener(job.progress());
    return { job, result };
  }

  onProgress(listener: (progress: JobProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Jobs running or waiting, in order. */
  list(): JobProgress[] {
    // A job cancelled while waiting keeps its place until its turn, but is no longer "waiting".
    return [...this.jobs.values()].map((job) => job.progress()).filter((job) => job.state !== 'cancelled');
  }

  get(id: number): Job<unknown> {
    const job = this.jobs.get(id);
    if (!job) throw notFound(`No job ${id} is running or waiting (it may have finished).`);
    return job;
  }

  /** The job running now, if any. */
  running(): Job<unknown> | undefined {
    return [...this.jobs.values()].find((job) => ['running', 'paused'].includes(job.progress().state));
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.cancel();
  }

  /** Resolves once every job queued so far has ended. */
  idle(): Promise<void> {
    return this.queue;
  }
}
