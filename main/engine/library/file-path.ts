import path from 'node:path';

/**
 * A path as the file system knows it. Names that are valid UTF-8 stay strings; a name that is
 * not (a Latin-1 name copied from an old drive) is kept as its bytes, so that it can be
 * opened again, and shown with those bytes escaped as \xHH.
 */
export type FsPath = string | Buffer;

const fatal = new TextDecoder('utf-8', { fatal: true });

/** The name as a string, or null when its bytes are not UTF-8. */
export function utf8Name(bytes: Buffer): string | null {
  try {
    return fatal.decode(bytes);
  } catch {
    return null;
  }
}

/** The bytes as text for people and for lookups: valid UTF-8 as it is, every other byte as \xHH. */
export function escapeBytes(bytes: Buffer): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      text += bytes.subarray(i, i + length).toString('utf8');
      i += length;
    } else {
      text += `\\x${(bytes[i] as number).toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
    }
  }
  return text;
}

/** A child of a folder: a string while every part is UTF-8, else bytes. */
export function joinFsPath(dir: FsPath, name: Buffer): FsPath {
  const text = typeof dir === 'string' ? utf8Name(name) : null;
  if (typeof dir === 'string' && text !== null) return path.join(dir, text);
  return Buffer.concat([Buffer.isBuffer(dir) ? dir : Buffer.from(dir), Buffer.from(path.sep), name]);
}

/** How a path is shown and stored. */
export function displayPath(file: FsPath): string {
  return typeof file === 'string' ? file : escapeBytes(file);
}

/** The bytes to keep beside the shown path, or null when the path is a plain string. */
export function pathBytes(file: FsPath): Buffer | null {
  return typeof file === 'string' ? null : file;
}

/** The length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i] as number;
  if (lead < 0x80) return 1;
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  return utf8Name(bytes.subarray(i, i + length)) === null ? 0 : length;
}
