import type { Connection } from './connection.js';

/** The four turns' hashes of a stored row (16 hex digits each, joined). */
function turnsOf(hashes: string): [string, string, string, string] {
  return [0, 1, 2, 3].map((turn) => hashes.slice(turn * 16, turn * 16 + 16)) as [string, string, string, string];
}

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
  return new Map(rows.map((row) => [row.contentHash, turnsOf(row.hashes)]));
}

/** A readable photo as the duplicate finder weighs it: what it is, how big, when, and its hashes. */
export interface PictureFacts {
  id: number;
  path: string;
  contentHash: string;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
  /** The EXIF date, when the photo has one (not the file's time). */
  takenAt: number | null;
  /** The file's modification time: of identical files, the oldest is likely the original. */
  mtimeMs: number | null;
  /** Null for a picture indexed before its hashes were kept. */
  hashes: [string, string, string, string] | null;
}

export function pictureFacts(sql: Connection): PictureFacts[] {
  const rows = sql
    .stmt(
      `SELECT i.id, i.path, i.content_hash AS contentHash, i.width, i.height, i.size AS sizeBytes, i.taken_at AS takenAt, i.mtime_ms AS mtimeMs, p.hashes
       FROM items i LEFT JOIN picture_hashes p ON p.content_hash = i.content_hash
       WHERE i.kind = 'photo' AND i.status = 'ok' AND i.path IS NOT NULL AND i.content_hash IS NOT NULL
       ORDER BY i.id`,
    )
    .all() as (Omit<PictureFacts, 'hashes'> & { hashes: string | null })[];
  return rows.map((row) => ({ ...row, hashes: row.hashes === null ? null : turnsOf(row.hashes) }));
}

/** A product as the duplicate finder weighs it: its catalog, its words, its picture's hashes. */
export interface ProductFacts {
  id: number;
  catalog: string;
  catalogKey: string;
  title: string | null;
  /** The picture's content hash and perceptual hashes, when it has a picture read since they were kept. */
  contentHash: string | null;
  hashes: [string, string, string, string] | null;
  /** How many of its catalog's fields it fills: the fuller listing is the one to keep. */
  filled: number;
  picture: string | null;
}

export function productFacts(sql: Connection): ProductFacts[] {
  const rows = sql
    .stmt(
      `SELECT i.id, i.catalog, i.catalog_key AS catalogKey, i.title, i.content_hash AS contentHash, p.hashes, i.picture,
         (SELECT count(*) FROM json_each(coalesce(i.attributes, '{}')) WHERE value IS NOT NULL AND trim(CAST(value AS TEXT)) <> '') AS filled
       FROM items i LEFT JOIN picture_hashes p ON p.content_hash = i.content_hash
       WHERE i.kind = 'product' AND i.status = 'ok' AND i.catalog_key IS NOT NULL
       ORDER BY i.id`,
    )
    .all() as (Omit<ProductFacts, 'hashes'> & { hashes: string | null })[];
  return rows.map((row) => ({ ...row, hashes: row.hashes === null ? null : turnsOf(row.hashes) }));
}
