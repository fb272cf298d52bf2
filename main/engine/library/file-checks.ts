import fs from 'node:fs';
import path from 'node:path';
import type { FsPath } from './file-path.js';

/**
 * What is checked before a file is read whole: its type, its size and its first bytes. A
 * link named .jpg to /proc/self/pagemap, an 8 GB sparse file or a FIFO is refused in
 * microseconds instead of being hashed.
 */

/** Larger files are refused (the decoder would refuse their pixels anyway). */
export const MAX_FILE_BYTES = 2 * 1024 ** 3;

/** Folders of the operating system: never a library, never walked into. */
const SYSTEM_FOLDERS =
  process.platform === 'win32'
    ? [path.parse(process.cwd()).root, 'C:\\Windows', 'C:\\Program Files', 'C:\\Program Files (x86)', 'C:\\ProgramData']
    : ['/', '/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/var', '/snap', '/System', '/private/var'];

/** Pseudo-file systems: what looks like a file there is a view of the kernel, not a photo. */
const PSEUDO_FOLDERS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev', '/run'];

export function isSystemFolder(folder: string): boolean {
  const resolved = path.resolve(folder);
  return SYSTEM_FOLDERS.some((system) => samePath(resolved, system));
}

/** Whether a real (links resolved) path lies in /proc, /sys, /dev or /run. */
export function isInPseudoFileSystem(real: string): boolean {
  return PSEUDO_FOLDERS.some((folder) => real === folder || real.startsWith(folder + path.sep));
}

/** Why a file found by a scan must not be read, or null when it may. */
export function refusal(size: number): string | null {
  if (size === 0) return 'the file is empty';
  if (size > MAX_FILE_BYTES) return `the file is too large (${(size / 1024 ** 3).toFixed(1)} GB; the limit is ${MAX_FILE_BYTES / 1024 ** 3} GB)`;
  return null;
}

/**
 * Whether the first bytes are those of an image format the scan picks up: JPEG, PNG, GIF,
 * WebP, TIFF (and BigTIFF), BMP, or an ISO media file (AVIF, HEIC, HEIF).
 */
export function looksLikeImage(head: Buffer): boolean {
  const starts = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  const ascii = (at: number, text: string): boolean => head.subarray(at, at + text.length).toString('latin1') === text;
  return (
    starts(0xff, 0xd8, 0xff) ||
    starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) ||
    ascii(0, 'GIF87a') ||
    ascii(0, 'GIF89a') ||
    (ascii(0, 'RIFF') && ascii(8, 'WEBP')) ||
    starts(0x49, 0x49, 0x2a, 0x00) ||
    starts(0x4d, 0x4d, 0x00, 0x2a) ||
    starts(0x49, 0x49, 0x2b, 0x00) ||
    starts(0x4d, 0x4d, 0x00, 0x2b) ||
    ascii(0, 'BM') ||
    ascii(4, 'ftyp')
  );
}

/** The first bytes of a file (fewer for a short file). */
export async function readHead(file: FsPath, length = 32): Promise<Buffer> {
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function samePath(a: string, b: string): boolean {
  return process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b;
}
