/**
 * Seconds of work, not of waiting: a job's rate and ETA leave out the time it sat paused
 * (a job paused for a minute is not "half as fast" once it resumes).
 */
export class WorkClock {
  private startedAt = 0;
  private pausedAt = 0;
  private pausedMs = 0;

  /** The first call starts the clock; later ones change nothing. */
  start(now = performance.now()): void {
    this.startedAt ||= now;
  }

  get started(): boolean {
    return this.startedAt > 0;
  }

  pause(now = performance.now()): void {
    if (this.startedAt && !this.pausedAt) this.pausedAt = now;
  }

  resume(now = performance.now()): void {
    if (!this.pausedAt) return;
    this.pausedMs += now - this.pausedAt;
    this.pausedAt = 0;
  }

  seconds(now = performance.now()): number {
    if (!this.startedAt) return 0;
    const paused = this.pausedMs + (this.pausedAt ? now - this.pausedAt : 0);
    return Math.max(0, now - this.startedAt - paused) / 1000;
  }
}
