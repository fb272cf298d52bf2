import path from 'node:path';

/** Where a photo's thumbnail lives: `<thumbnails>/<first 2 hex of its hash>/<hash>.webp`. */
export function thumbnailPath(thumbnailsDir: string, contentHash: string): string {
  return path.join(thumbnailsDir, contentHash.slice(0, 2), `${contentHash}.webp`);
}
