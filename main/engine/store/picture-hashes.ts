import type { Connection } from './connection.js';

/** Perceptual hashes by content hash, as the four turns' 16 hex digits each, joined. */
export function setPictureHashes(sql: Connection, entries: readonly { contentHash: string; hashes: readonly string[] }[]): void {
  if (entries.length === 0) return;
  sql.write(() => {
    const insert = sql.stmt('INSERT INTO picture_hashes (content_hash, hashes) VALUES (?, ?) ON CONFLICT (content_hash) DO UPDATE SET hashes = excluded.hashes');
    for (const { contentHash, hashes } of entries) insert.run(contentHash, hashes.join(''));
  });
}

export function pictureHashes(sql: Connection, contentHashes: readonly string[]): Map<string, [string, string, string, string]> {
  const rows = sql
    .stmt('SELECT content_hash AS contentHash, hashes FROM picture_hashes WHERE content_hash IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(contentHashes)) as { contentHash: string; hashes: string }[];
  return new Map(rows.map((row) => [row.contentHash, [0, 1, 2, 3].map((turn) => row.hashes.slice(turn * 16, turn * 16 + 16)) as [string, string, string, string]]));
}
