import path from 'node:path';
import type { ForgottenFolder, RootStatus } from '../../../preload/contract.js';
import { SemblanceError } from '../errors.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { ForgetStore } from '../store/library-store.js';

/** Items per step: each step is one transaction, with the event loop free between steps. */
export const FORGET_CHUNK = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Forgets a library folder as a job, on either store: its items are kept (copied into the
 * forgotten tables) chunk by chunk, then taken out of the library chunk by chunk. A cancel
 * while they are being kept changes nothing; once all are kept it is undoable, and no longer
 * cancelled half-way. Returns the forgotten folder's id.
 */
export async function forgetFolder(store: ForgetStore, jobs: JobScheduler, root: RootStatus): Promise<number> {
  const { folderId, ids } = await store.startForget(root.id);
  let undoable = false;
  const kept = await jobs
    .run({
      kind: 'forget-folder',
      title: `Forgetting ${path.basename(root.path)}`,
      unit: 'photos',
      run: async (job) => {
        for (let start = 0; start < ids.length; start += FORGET_CHUNK) {
          if (job.signal.aborted) return false;
          await store.keepForgotten(folderId, ids.slice(start, start + FORGET_CHUNK));
          job.report(Math.round(Math.min(ids.length, start + FORGET_CHUNK) / 2), ids.length, root.path);
          await nextTurn();
        }
        await store.markForgotten(folderId);
        undoable = true;
        for (let start = 0; start < ids.length; start += FORGET_CHUNK) {
          await store.dropForgotten(ids.slice(start, start + FORGET_CHUNK));
          job.report(Math.round((ids.length + Math.min(ids.length, start + FORGET_CHUNK)) / 2), ids.length, root.path);
          await nextTurn();
        }
        await store.finishForget(folderId, root.id);
        return true;
      },
    })
    .result.catch(async (error: unknown) => {
      // Kept copies go only while the library still has every item; once undoable, they stay.
      if (!undoable) await store.purgeForgotten({ id: folderId });
      throw error;
    });
  if (!kept) {
    await store.purgeForgotten({ id: folderId });
    throw new SemblanceError('cancelled', `Forgetting ${root.path} was cancelled: nothing changed.`);
  }
  return folderId;
}

/**
 * Undo, as a job in chunks (each its own transaction: a cancel leaves the rest still
 * undoable): the folder's items come back under `rootId` as they were (same ids, tags,
 * albums, vectors).
 */
export async function restoreFolder(store: ForgetStore, jobs: JobScheduler, folder: ForgottenFolder, rootId: number): Promise<void> {
  await jobs.run({
    kind: 'restore-folder',
    title: `Bringing back ${path.basename(folder.path)}`,
    unit: 'photos',
    run: async (job) => {
      for (let done = 0; ; ) {
        if (job.signal.aborted) return;
        const { restored, left } = await store.restoreChunk(folder.id, rootId, FORGET_CHUNK);
        done += restored;
        job.report(done, done + left, null);
        if (left === 0) return;
        await nextTurn();
      }
    },
  }).result;
}
