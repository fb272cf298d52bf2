import type { DownloadProgress } from '../engine/models/load-models.js';
import type { IndexProgress, JobProgress } from '../../preload/contract.js';
import { downloadProgressBar } from './download-progress.js';
import { indexProgressBar } from './index-progress.js';
import { jobProgressBar } from './job-progress.js';

/** Where the CLI writes; tests pass their own to capture output without spawning. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** A progress display for model downloads (stderr), if this output has one. */
  progress?: () => { update: (progress: DownloadProgress) => void; stop: () => void };
  /** A progress display for indexing (stderr). */
  indexProgress?: () => { update: (progress: IndexProgress) => void; stop: () => void };
  /** A progress display for the other jobs: catalog import, label sets (stderr). */
  jobProgress?: () => { update: (progress: JobProgress) => void; stop: () => void };
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  progress: () => downloadProgressBar(process.stderr),
  indexProgress: () => indexProgressBar(process.stderr),
  jobProgress: () => jobProgressBar(process.stderr),
};

/** Exit codes scripts can rely on. */
/** 130: cut short by Ctrl-C, as shells report an interrupted command (what was done stays). */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;
