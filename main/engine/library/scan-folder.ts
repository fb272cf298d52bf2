import fs from 'node:fs';
import path from 'node:path';
import { hasImageExtension, isHiddenOrSystem } from './formats.js';

export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ScanProblem {
  path: string;
  reason: string;
}

/**
 * Every image file under a folder, recursively. Hidden and system entries and the user's
 * excluded folders are skipped,
 * symbolic links are followed but each real folder is visited once (no loops), and a folder
 * that cannot be read is reported as a problem while the scan goes on.
 */
export async function scanFolder(
  root: string,
  shouldStop: () => boolean = () => false,
  excluded: readonly string[] = [],
): Promise<{ files: ScannedFile[]; problems: ScanProblem[] }> {
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];
  const visited = new Set<string>();

  async function walk(dir: string): Promise<void> {
    if (shouldStop()) return;
    let real: string;
    try {
      real = await fs.promises.realpath(dir);
    } catch (error) {
      problems.push({ path: dir, reason: reasonOf(error, 'cannot resolve the folder') });
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, reason: reasonOf(error, 'cannot read the folder') });
      return;
    }
    for (const entry of entries) {
      if (isHiddenOrSystem(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (isExcluded(full, excluded)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.promises.stat(full).catch(() => null);
        if (!target) continue; // a dangling link is nothing to index
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) {
        await walk(full);
      } else if (isFile && hasImageExtension(entry.name)) {
        try {
          const stat = await fs.promises.stat(full);
          files.push({ path: full, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
        } catch (error) {
          problems.push({ path: full, reason: reasonOf(error, 'cannot read the file') });
        }
      }
    }
  }

  await walk(root);
  return { files, problems };
}

/** Whether a path is one of the excluded folders or lies inside one. */
export function isExcluded(file: string, excluded: readonly string[]): boolean {
  return excluded.some((folder) => file === folder || file.startsWith(folder + path.sep));
}

export function reasonOf(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `${what}: permission denied`;
  if (code === 'ENOENT') return `${what}: it is gone`;
  if (code === 'ELOOP') return `${what}: a loop of symbolic links`;
  if (code === 'EIO') return `${what}: input/output error (is the drive failing?)`;
  return `${what}: ${error instanceof Error ? error.message : String(error)}`;
}
