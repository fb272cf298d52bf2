import fs from 'node:fs';
import path from 'node:path';
import { badInput } from '../errors.js';
import { isSystemFolder } from './file-checks.js';
import { userPath } from './user-path.js';

/**
 * A folder as the user named it, checked before any work starts: a full path, there, a
 * folder, not Semblance's own data nor the system's. `known`: a library folder, or one inside
 * it, was checked when it was added (and may be offline now).
 */
export function folderToAdd(typed: string, library: { ownFolders: readonly string[]; known: (folder: string) => boolean }): string {
  const folder = userPath(typed);
  const own = library.ownFolders.find((mine) => folder === mine || folder.startsWith(mine + path.sep));
  if (own) throw badInput(`${folder} is inside Semblance's own data (${own}): its thumbnails and models are not photos of yours.`);
  if (library.known(folder)) return folder;
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (!stat) throw badInput(`There is no folder ${folder}: check its spelling (upper and lower case count).`);
  if (!stat.isDirectory()) throw badInput(`${folder} is a file, not a folder: add the folder it is in.`);
  if (isSystemFolder(folder) || isSystemFolder(fs.realpathSync(folder))) {
    throw badInput(`${folder} is a folder of the operating system, not of photos: name the folder your photos are in, as in \`semblance index ~/Pictures\`.`);
  }
  return folder;
}
