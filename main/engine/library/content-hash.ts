import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FsPath } from './file-path.js';

/**
 * The identity of a file's content: SHA-256 (node:crypto, hardware-accelerated on current
 * CPUs, faster than reading the file). A moved file keeps its hash, so it keeps its item.
 * Reading stops when `signal` aborts (a cancelled job, the per-file time limit).
 */
export async function contentHash(file: FsPath, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
