import fs from 'node:fs';
import path from 'node:path';
import { isInPseudoFileSystem } from './file-checks.js';
import { displayPath, joinFsPath, type FsPath } from './file-path.js';
import { hasImageExtension, isHiddenOrSystem } from './formats.js';

export interface ScannedFile {
  /** As shown and stored: a name that is not UTF-8 has its bytes written as \xHH. */
  path: string;
  /** As the file system knows it (bytes for such a name). */
  fsPath: FsPath;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** The device the file is on. */
  device: number;
}

export interface ScanProblem {
  path: string;
  reason: string;
}

export interface ScanResult {
  files: ScannedFile[];
  problems: ScanProblem[];
  /** Every folder walked (shown path) with its device: a folder not here was not reachable. */
  folders: Map<string, number>;
  /** Folders on another device than the folder above them: drives mounted inside the library. */
  mountPoints: Map<string, number>;
}

export interface ScanOptions {
  shouldStop?: () => boolean;
  /** The user's excluded folders: not walked. */
  excluded?: readonly string[];
  /** Semblance's own folders (its data, thumbnails, models), by real path: never walked. */
  ownFolders?: readonly string[];
}

/**
 * Every image file under a folder, recursively. Hidden and system entries, the user's
 * excluded folders and Semblance's own folders are skipped; only regular files are listed
 * (no FIFOs, devices or sockets, nothing in /proc or /sys); symbolic links are followed but
 * each real folder is visited once (no loops); a folder that cannot be read is reported as a
 * problem while the scan goes on. Each folder's device is noted, so that an unmounted drive
 * (whose empty mount point is still there) is told apart from emptied folders.
 */
export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanResult> {
  const { shouldStop = () => false, excluded = [], ownFolders = [] } = options;
  const files: ScannedFile[] = [];
  const problems: ScanProblem[] = [];
  const folders = new Map<string, number>();
  const mountPoints = new Map<string, number>();
  const visited = new Set<string>();

  async function walk(dir: FsPath, parentDevice: number | null): Promise<void> {
    if (shouldStop()) return;
    const shown = displayPath(dir);
    let realBytes: Buffer;
    let device: number;
    try {
      realBytes = await fs.promises.realpath(dir, 'buffer');
      device = (await fs.promises.stat(dir)).dev;
    } catch (error) {
      problems.push({ path: shown, reason: reasonOf(error, 'cannot resolve the folder') });
      return;
    }
    const real = realBytes.toString('utf8');
    // latin1 maps bytes one to one: two folders whose names are not UTF-8 never share a key
    const key = realBytes.toString('latin1');
    if (visited.has(key) || isInside(real, ownFolders)) return;
    if (isInPseudoFileSystem(real)) {
      problems.push({ path: shown, reason: 'a system folder (its files are views of the running system, not photos): left out' });
      return;
    }
    visited.add(key);
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      problems.push({ path: shown, reason: reasonOf(error, 'cannot read the folder') });
      return;
    }
    folders.set(shown, device);
    if (parentDevice !== null && device !== parentDevice) mountPoints.set(shown, device);
    for (const entry of entries) {
      if (shouldStop()) return;
      const name = entry.name.toString('utf8');
      if (isHiddenOrSystem(name)) continue;
      const full = joinFsPath(dir, entry.name);
      const fullShown = displayPath(full);
      if (isExcluded(fullShown, excluded)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fs.promises.stat(full).catch(() => null);
        if (!target) continue; // a dangling link is nothing to index
        isDir = target.isDirectory();
        isFile = target.isFile() && hasImageExtension(name) && !isInPseudoFileSystem(await fs.promises.realpath(full, 'utf8').catch(() => '/proc'));
      }
      if (isDir) {
        await walk(full, device);
      } else if (isFile && hasImageExtension(name)) {
        try {
          const stat = await fs.promises.stat(full);
          if (!stat.isFile()) continue;
          files.push({
            path: fullShown,
            fsPath: full,
            size: stat.size,
            mtimeMs: Math.floor(stat.mtimeMs),
            ctimeMs: Math.floor(stat.ctimeMs),
            device: stat.dev,
          });
        } catch (error) {
          problems.push({ path: fullShown, reason: reasonOf(error, 'cannot read the file') });
        }
      }
    }
  }

  await walk(root, null);
  return { files, problems, folders, mountPoints };
}

/** Whether a path is one of the excluded folders or lies inside one. */
export function isExcluded(file: string, excluded: readonly string[]): boolean {
  return isInside(file, excluded);
}

function isInside(file: string, folders: readonly string[]): boolean {
  return folders.some((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
}

export function reasonOf(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `${what}: permission denied`;
  if (code === 'ENOENT') return `${what}: it is gone`;
  if (code === 'ELOOP') return `${what}: a loop of symbolic links`;
  if (code === 'EIO') return `${what}: input/output error (is the drive failing?)`;
  if (code === 'ABORT_ERR') return `${what}: stopped`;
  return `${what}: ${error instanceof Error ? error.message : String(error)}`;
}
