import type { JobKind, JobProgress, JobState } from '../../../preload/contract.js';
import { SemblanceError, toApiError } from '../errors.js';
import { WorkClock } from './work-clock.js';

/** What a job's work sees: its cancel signal, a way to report progress, and the pause gate. */
export interface JobContext {
  readonly signal: AbortSignal;
  /** `done` of `total` units (null: not known yet); `current` names what is being worked on. */
  report(done: number, total: number | null, current?: string | null): void;
  /** Resolves at once, or when a paused job is resumed (or cancelled). */
  whilePaused(): Promise<void>;
}

export interface JobSpec<S> {
  kind: JobKind;
  /** What the user sees: "Importing foods.csv". */
  title: string;
  /** What progress counts: files, rows, items, bytes. */
  unit: string;
  run(context: JobContext): Promise<S>;
  /** Pause and resume where they mean something (indexing); left out, the job cannot pause. */
  pause?: () => void;
  resume?: () => void;
}

let nextId = 1;

/**
 * One long task: progress with counts, rate and ETA, an AbortSignal, pause where the work
 * allows it. It always ends, as done, cancelled or failed, with its summary.
 */
export class Job<S> {
  readonly id = nextId++;
  readonly kind: JobKind;
  readonly title: string;
  private state: JobState = 'queued';
  private done = 0;
  private total: number | null = null;
  private current: string | null = null;
  /** Paused time is left out of the rate. */
  private readonly clock = new WorkClock();
  private readonly abort = new AbortController();
  private gate: { promise: Promise<void>; open: () => void } | null = null;
  private readonly listeners = new Set<(progress: JobProgress) => void>();
  private error: string | null = null;

  constructor(private readonly spec: JobSpec<S>) {
    this.kind = spec.kind;
    this.title = spec.title;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  onProgress(listener: (progress: JobProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  progress(): JobProgress {
    const elapsed = this.clock.seconds();
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = this.total === null ? null : Math.max(0, this.total - this.done);
    return {
      id: this.id,
      kind: this.kind,
      title: this.title,
      state: this.state,
      unit: this.spec.unit,
      done: this.done,
      total: this.total,
      current: this.current,
      rate,
      etaSeconds: left !== null && rate > 0 ? left / rate : null,
      canPause: this.spec.pause !== undefined,
      error: this.error,
    };
  }

  cancel(): void {
    if (this.finished() || this.abort.signal.aborted) return;
    this.abort.abort();
    this.openGate();
    if (this.state === 'queued') this.state = 'cancelled';
    this.emit();
  }

  pause(): void {
    if (this.state !== 'running' || !this.spec.pause || this.gate) return;
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
    this.state = 'paused';
    this.clock.pause();
    this.spec.pause();
    this.emit();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.openGate();
    this.state = 'running';
    this.clock.resume();
    this.spec.resume?.();
    this.emit();
  }

  /**
   * Runs the work (the scheduler calls this once, when the job's turn comes) and resolves to
   * its summary, which says itself whether it was cut short; rejects when the work failed or
   * the job was cancelled before its turn came.
   */
  async run(): Promise<S> {
    if (this.abort.signal.aborted) {
      this.state = 'cancelled';
      this.emit();
      throw new SemblanceError('cancelled', `${this.title}: cancelled before it started.`);
    }
    this.state = 'running';
    this.clock.start();
    this.emit();
    const context: JobContext = {
      signal: this.abort.signal,
      report: (done, total, current) => {
        this.done = done;
        this.total = total;
        if (current !== undefined) this.current = current;
        this.emit();
      },
      whilePaused: () => this.gate?.promise ?? Promise.resolve(),
    };
    try {
      const summary = await this.spec.run(context);
      this.state = this.abort.signal.aborted ? 'cancelled' : 'done';
      return summary;
    } catch (failure) {
      this.state = 'failed';
      this.error = toApiError(failure).message;
      throw failure;
    } finally {
      this.current = null;
      this.openGate();
      this.emit();
    }
  }

  private finished(): boolean {
    return this.state === 'done' || this.state === 'cancelled' || this.state === 'failed';
  }

  private openGate(): void {
    const gate = this.gate;
    this.gate = null;
    gate?.open();
  }

  private emit(): void {
    const progress = this.progress();
    for (const listener of this.listeners) listener(progress);
  }
}

/** What a person asked of a job (the UI's buttons, `jobControl`): pause, resume or cancel it. */
export function controlJob(job: { pause(): void; resume(): void; cancel(): void }, action: 'pause' | 'resume' | 'cancel'): void {
  if (action === 'pause') job.pause();
  else if (action === 'resume') job.resume();
  else job.cancel();
}
