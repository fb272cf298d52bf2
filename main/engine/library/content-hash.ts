import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * The identity of a file's content: SHA-256 (node:crypto, hardware-accelerated on current
 * CPUs, faster than reading the file). A moved file keeps its hash, so it keeps its item.
 */
export async function contentHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
