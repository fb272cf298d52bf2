import fs from 'node:fs';
import path from 'node:path';
import type { Space } from '../../../preload/contract.js';

/**
 * A space's prefilter codes on disk, so a fresh process answers its first query without
 * reading and quantizing every vector again (190 s at a million items; a file read is
 * about a second).
 *
 * Layout: an 8-byte magic, a 4-byte header length, a JSON header, zeros up to HEADER_BYTES;
 * then item ids (float64 × count), scales α (float64 × count), residual norms (float64 ×
 * count) and the int8 codes (stride × count). The header says which library, space, model
 * generation and log seq the rows reflect; the reader checks all of them, and the file's
 * exact size, before trusting it, and the index checks samples against the vectors.
 *
 * Files are written to a temporary name and renamed, so a reader sees a whole file or the
 * previous one. They are not fsynced: a file torn by a power cut fails the size or sample
 * check and is rebuilt from the database, which stays the only source of truth.
 */
const MAGIC = Buffer.from('SEMBCODE', 'latin1');
const FORMAT = 1;
export const HEADER_BYTES = 4096;

export interface CodesHeader {
  format: number;
  libraryId: string;
  space: Space;
  modelId: string;
  generation: number;
  dims: number;
  stride: number;
  count: number;
  /** The vector log's seq the rows reflect: every change up to it is in, none after it. */
  seq: number;
}

export interface CodesRows {
  ids: Float64Array;
  alpha: Float64Array;
  error: Float64Array;
  codes: Uint8Array;
}

export function codesFile(dir: string, space: Space): string {
  return path.join(dir, `${space}.codes`);
}

export function expectedSize(header: Pick<CodesHeader, 'count' | 'stride'>): number {
  return HEADER_BYTES + header.count * (24 + header.stride);
}

/** Writes a codes file whole under a temporary name, then renames it into place. */
export function writeCodesFile(file: string, header: CodesHeader, rows: CodesRows): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const json = Buffer.from(JSON.stringify({ ...header, format: FORMAT }));
  if (json.length > HEADER_BYTES - 12) throw new Error('codes header too long');
  const head = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    for (const part of [head, rows.ids, rows.alpha, rows.error, rows.codes]) {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** The header of a codes file, or why it cannot be used. */
export function readCodesHeader(file: string): { header: CodesHeader } | { problem: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { problem: 'no codes file yet' };
  }
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const read = fs.readSync(fd, head, 0, HEADER_BYTES, 0);
    if (read < 12 || !head.subarray(0, 8).equals(MAGIC)) return { problem: 'not a codes file' };
    const length = head.readUInt32LE(8);
    if (length > HEADER_BYTES - 12) return { problem: 'a damaged header' };
    let header: CodesHeader;
    try {
      header = JSON.parse(head.subarray(12, 12 + length).toString('utf8')) as CodesHeader;
    } catch {
      return { problem: 'a damaged header' };
    }
    if (header.format !== FORMAT) return { problem: `format ${String(header.format)}, not ${FORMAT}` };
    const size = fs.fstatSync(fd).size;
    if (size !== expectedSize(header)) return { problem: `${size} bytes where ${expectedSize(header)} were expected (a truncated or torn file)` };
    return { header };
  } finally {
    fs.closeSync(fd);
  }
}

/** Pieces a codes file is read in, concurrently, by the async reader. */
const READ_PIECE = 8 << 20;

/**
 * The same as readCodesRows, in pieces read concurrently on libuv's thread pool: copying a
 * gigabyte out of the OS cache is CPU work, and two cores do it in about half the time.
 */
export async function readCodesRowsAsync(file: string, header: CodesHeader, rows: CodesRows): Promise<void> {
  if (rows.codes.length !== header.count * header.stride) throw new Error('codes rows do not match the header');
  const handle = await fs.promises.open(file, 'r');
  try {
    const reads: Promise<void>[] = [];
    let position = HEADER_BYTES;
    for (const part of [rows.ids, rows.alpha, rows.error, rows.codes]) {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      for (let offset = 0; offset < bytes.length; offset += READ_PIECE) {
        const length = Math.min(READ_PIECE, bytes.length - offset);
        const at = position + offset;
        reads.push(
          (async () => {
            let read = 0;
            while (read < length) {
              const { bytesRead } = await handle.read(bytes, offset + read, length - read, at + read);
              if (bytesRead === 0) throw new Error(`${file} ended early`);
              read += bytesRead;
            }
          })(),
        );
      }
      position += bytes.length;
    }
    await Promise.all(reads);
  } finally {
    await handle.close();
  }
}

/** Reads the rows of a codes file into the caller's arrays (sized from its header). */
export function readCodesRows(file: string, header: CodesHeader, rows: CodesRows): void {
  const fd = fs.openSync(file, 'r');
  try {
    let position = HEADER_BYTES;
    for (const part of [rows.ids, rows.alpha, rows.error, rows.codes]) {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      let read = 0;
      while (read < bytes.length) {
        const n = fs.readSync(fd, bytes, read, bytes.length - read, position + read);
        if (n === 0) throw new Error(`${file} ended early`);
        read += n;
      }
      position += bytes.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rows.codes.length !== header.count * header.stride) throw new Error('codes rows do not match the header');
}
