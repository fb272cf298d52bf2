import fs from 'node:fs';
import path from 'node:path';
import type { SetAsideRequest, SetAsideResponse, UndoSetAsideResponse } from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { EngineEvents } from '../events.js';
import { fileProblem, moveWithoutOverwriting } from '../library/copy-out.js';
import { moveToTrash, restoreFromTrash } from '../library/trash-bin.js';
import { userPath } from '../library/user-path.js';
import type { LibraryStore } from '../store/library-store.js';

/**
 * Duplicates taken out of the library and put back: photos' files to the system's trash or
 * into a folder (never over a file), their items kept (rows, tags, albums, vectors) so that
 * undo brings both back as they were. Products are never moved: they belong to their catalog
 * files, and a picture may serve other rows.
 */
/** A file moved into a folder, back where it was (copied, then removed, across drives). */
async function moveBack(from: string, to: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(to), { recursive: true });
  try {
    await fs.promises.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.promises.copyFile(from, to, fs.constants.COPYFILE_EXCL);
    await fs.promises.unlink(from);
  }
}

export class SetAside {
  constructor(private readonly deps: { store: LibraryStore; events: EngineEvents; fileOf(itemId: number): string | undefined }) {}

  async setAside(request: SetAsideRequest): Promise<SetAsideResponse> {
    const { store } = this.deps;
    const folder = request.action === 'move' ? userPath(request.folder) : null;
    if (folder !== null && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw badInput(`${folder} is not a folder here: pick a folder that exists.`);
    const failed: SetAsideResponse['failed'] = [];
    const files = new Map<number, string>();
    // Photos only: a product belongs to its catalog file, and its picture may serve other rows.
    const photos = new Set(store.pictureFacts().map((p) => p.id));
    for (const id of new Set(request.ids)) {
      const file = photos.has(id) ? this.deps.fileOf(id) : undefined;
      if (file) files.set(id, file);
      else failed.push({ id, path: null, reason: `no photo with id ${id} in the library folders` });
    }
    if (folder !== null) {
      const inside = [...files.values()].find((file) => path.dirname(file) === folder);
      if (inside) throw badInput(`${path.basename(inside)} is already in ${folder}: pick another folder.`);
    }
    const batch = store.keepSetAside(request.action, folder, [...files.keys()]);
    const moved: SetAsideResponse['moved'] = [];
    for (const [id, file] of files) {
      try {
        const to = folder === null ? (await moveToTrash(file)).at : await moveWithoutOverwriting(file, folder);
        moved.push({ id, from: file, to });
      } catch (error) {
        failed.push({ id, path: file, reason: fileProblem(error) });
      }
    }
    store.finishSetAside(batch, moved);
    if (moved.length > 0) this.deps.events.emit({ type: 'library-changed' });
    return { batch: moved.length > 0 ? batch : null, moved, failed };
  }

  async undo(batch: number): Promise<UndoSetAsideResponse> {
    const { store } = this.deps;
    const kept = store.setAsideItems(batch);
    if (!kept) throw notFound(`Nothing set aside under ${batch} (it was undone already, or never was).`);
    const { action, items } = kept;
    const back: number[] = [];
    const failed: UndoSetAsideResponse['failed'] = [];
    for (const item of items) {
      try {
        if (item.movedTo === null) throw new Error('the system does not say where the trash keeps it: put it back from the trash (Finder: Put Back; Recycle Bin: Restore), and the next index finds it');
        if (fs.existsSync(item.path)) throw new Error(`another file is at ${item.path} now`);
        if (action === 'trash') restoreFromTrash(item.path, item.movedTo);
        else await moveBack(item.movedTo, item.path);
        back.push(item.itemId);
      } catch (error) {
        failed.push({ path: item.path, reason: fileProblem(error) });
      }
    }
    const restored = store.restoreSetAside(batch, back);
    if (restored > 0) this.deps.events.emit({ type: 'library-changed' });
    return { restored, failed };
  }
}
