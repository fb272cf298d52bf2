import fs from 'node:fs';
import path from 'node:path';
import type { CopyFilesRequest, CopyFilesSummary } from '../../../preload/contract.js';
import { badInput } from '../errors.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { Awaitable, ItemRow } from '../store/library-store.js';
import { userPath } from './user-path.js';

export interface CopySource {
  id: number;
  /** The item's file (a photo, or a product's picture); null when it has none. */
  path: string | null;
}

export interface CopyProgress {
  signal: AbortSignal;
  report(done: number, total: number, current: string | null): void;
}

/**
 * "Copy to folder…" as a job, for either library: the folder checked first (never inside
 * Semblance's own files, made when missing), then each item's file copied; an id not in the
 * library is a failure in words, like a file that cannot be read.
 */
export async function copyFilesJob(
  request: CopyFilesRequest,
  library: { ownFolders: readonly string[]; getItems(ids: readonly number[]): Awaitable<Map<number, ItemRow>>; jobs: JobScheduler },
): Promise<CopyFilesSummary> {
  const folder = userPath(request.folder);
  const own = library.ownFolders.find((mine) => folder === mine || folder.startsWith(mine + path.sep));
  if (own) throw badInput(`${folder} is inside Semblance's own data (${own}): choose a folder of yours.`);
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw badInput(`${folder} is a file, not a folder.`);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw badInput(`${folder} cannot be made: ${(error as Error).message}`);
  }
  const rows = await library.getItems(request.ids);
  const missing = request.ids.filter((id) => !rows.has(id));
  const sources = request.ids.flatMap((id) => {
    const row = rows.get(id);
    return row ? [{ id, path: row.path }] : [];
  });
  const summary = await library.jobs.run({
    kind: 'copy-files',
    title: `Copying ${sources.length} ${sources.length === 1 ? 'file' : 'files'} to ${path.basename(folder)}`,
    unit: 'files',
    run: (job) => copyFiles(sources, folder, { signal: job.signal, report: (done, total, current) => job.report(done, total, current) }),
  }).result;
  return { ...summary, failed: [...missing.map((id) => ({ id, path: null, reason: `no item with id ${id}` })), ...summary.failed] };
}

/**
 * Copies items' files into a folder, never over anything: a name taken (by a file already
 * there, or by an earlier copy of this run) becomes "name (2).jpg", "name (3).jpg"… The
 * exclusive copy flag makes the check and the write one step, so a file that appears
 * meanwhile is not overwritten either. A file that cannot be copied is recorded with the reason.
 */
export async function copyFiles(sources: readonly CopySource[], folder: string, progress: CopyProgress): Promise<CopyFilesSummary> {
  const copied: CopyFilesSummary['copied'] = [];
  const failed: CopyFilesSummary['failed'] = [];
  let renamed = 0;
  for (const [i, source] of sources.entries()) {
    if (progress.signal.aborted) return { state: 'cancelled', folder, copied, renamed, failed };
    progress.report(i, sources.length, source.path);
    if (!source.path) {
      failed.push({ id: source.id, path: null, reason: 'it has no file (a product without a picture)' });
      continue;
    }
    try {
      const to = await copyWithoutOverwriting(source.path, folder);
      if (path.basename(to) !== path.basename(source.path)) renamed++;
      copied.push({ id: source.id, from: source.path, to });
    } catch (error) {
      failed.push({ id: source.id, path: source.path, reason: reasonOf(error) });
    }
  }
  progress.report(sources.length, sources.length, null);
  return { state: 'done', folder, copied, renamed, failed };
}

async function copyWithoutOverwriting(from: string, folder: string): Promise<string> {
  const { name, ext } = path.parse(from);
  for (let n = 1; n < 10_000; n++) {
    const to = path.join(folder, n === 1 ? `${name}${ext}` : `${name} (${n})${ext}`);
    try {
      await fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL);
      return to;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`every name from ${name}${ext} to ${name} (9999)${ext} is taken in ${folder}`);
}

/**
 * Moves a file into a folder under a free name (never over a file there); across drives it is
 * copied, then the original removed. Returns where it went.
 */
export async function moveWithoutOverwriting(from: string, folder: string): Promise<string> {
  const { name, ext } = path.parse(from);
  for (let n = 1; n < 10_000; n++) {
    const to = path.join(folder, n === 1 ? `${name}${ext}` : `${name} (${n})${ext}`);
    if (fs.existsSync(to)) continue;
    try {
      // link + unlink is a rename that fails, instead of replacing, when the name was taken meanwhile.
      await fs.promises.link(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
      await fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL);
    }
    try {
      await fs.promises.unlink(from);
    } catch (error) {
      await fs.promises.rm(to, { force: true }); // the original stays where it was, and only there
      throw error;
    }
    return to;
  }
  throw new Error(`every name from ${name}${ext} to ${name} (9999)${ext} is taken in ${folder}`);
}

/** Why a file operation failed, in words a person reads. */
export function fileProblem(error: unknown): string {
  return reasonOf(error);
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file is not there (moved, deleted, or its drive is not mounted)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'the disk is full';
  return error instanceof Error ? error.message : String(error);
}
