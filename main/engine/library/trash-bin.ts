import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The system's trash, through `trash` (sindresorhus: the Finder's, the Recycle Bin, the XDG
 * trash of freedesktop.org; no binary to download). It does not say where a file went, so on
 * Linux the file is found again by its .trashinfo (the spec's "Path=" line), which is what
 * lets undo put it back; elsewhere undo asks the user to restore it from the trash (Finder's
 * "Put Back", the Recycle Bin's "Restore") and the next index picks it up.
 */
export interface TrashedFile {
  /** Where the file lies in the trash, when that can be known (Linux). */
  at: string | null;
}

export async function moveToTrash(file: string): Promise<TrashedFile> {
  const { default: trash } = await import('trash');
  await trash([file], { glob: false });
  if (fs.existsSync(file)) throw new Error('the trash did not take it');
  return { at: process.platform === 'linux' ? findInTrash(file) : null };
}

/** Puts a trashed file back where it was, never over a file there now. */
export function restoreFromTrash(original: string, trashed: string): void {
  if (fs.existsSync(original)) throw new Error(`another file is at ${original} now`);
  fs.mkdirSync(path.dirname(original), { recursive: true });
  fs.renameSync(trashed, original);
  const info = path.join(path.dirname(path.dirname(trashed)), 'info', `${path.basename(trashed)}.trashinfo`);
  fs.rmSync(info, { force: true });
}

/** The XDG trash folders a file may have gone to: the home trash and its drive's. */
function trashFolders(file: string): string[] {
  const home = path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'Trash');
  const uid = process.getuid?.() ?? 0;
  const folders = [home];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    folders.push(path.join(dir, `.Trash-${uid}`), path.join(dir, '.Trash', String(uid)));
    if (path.dirname(dir) === dir) break;
  }
  return folders.filter((folder) => fs.existsSync(path.join(folder, 'info')));
}

function findInTrash(file: string): string | null {
  const wanted = `Path=${encodeURI(file)}`;
  let newest: { at: string; time: number } | null = null;
  for (const folder of trashFolders(file)) {
    for (const name of fs.readdirSync(path.join(folder, 'info'))) {
      if (!name.endsWith('.trashinfo')) continue;
      const info = path.join(folder, 'info', name);
      let text: string;
      try {
        text = fs.readFileSync(info, 'utf8');
      } catch {
        continue;
      }
      if (!text.split('\n').includes(wanted)) continue;
      const at = path.join(folder, 'files', name.slice(0, -'.trashinfo'.length));
      const time = fs.statSync(info).mtimeMs;
      // The same path trashed before: the newest entry is this one.
      if (fs.existsSync(at) && (!newest || time >= newest.time)) newest = { at, time };
    }
  }
  return newest?.at ?? null;
}
