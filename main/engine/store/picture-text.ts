import type { Connection } from './connection.js';

/** A word read in a picture: [text, confidence, x0, y0, x1, y1]. */
export type StoredWord = [string, number, number, number, number, number];

export interface PictureTextRow {
  text: string;
  words: StoredWord[];
  turned: number;
  readAt: number;
  problem: string | null;
}

export function setPictureText(sql: Connection, contentHash: string, reading: { text: string; words: StoredWord[]; turned: number; problem: string | null }, now: number): void {
  sql.write(() =>
    sql
      .stmt(
        `INSERT INTO picture_text (content_hash, text, words, turned, read_at, problem) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (content_hash) DO UPDATE SET text = excluded.text, words = excluded.words, turned = excluded.turned, read_at = excluded.read_at, problem = excluded.problem`,
      )
      .run(contentHash, reading.text, JSON.stringify(reading.words), reading.turned, now, reading.problem),
  );
}

/** Readable photos and products' pictures not read yet: one item per content, oldest first. */
export function unreadPictures(sql: Connection): { id: number; contentHash: string }[] {
  return sql
    .stmt(
      `SELECT min(i.id) AS id, i.content_hash AS contentHash FROM items i
       WHERE i.status = 'ok' AND i.content_hash IS NOT NULL AND (i.kind = 'photo' OR i.picture IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM picture_text t WHERE t.content_hash = i.content_hash)
       GROUP BY i.content_hash ORDER BY 1`,
    )
    .all() as { id: number; contentHash: string }[];
}

/** Items whose picture's text matches an FTS5 expression. */
export function itemsWithText(sql: Connection, match: string): number[] {
  return sql
    .stmt(
      `SELECT i.id FROM picture_text_fts f JOIN picture_text t ON t.id = f.rowid JOIN items i ON i.content_hash = t.content_hash
       WHERE picture_text_fts MATCH ? ORDER BY i.id`,
    )
    .pluck()
    .all(match) as number[];
}

export function pictureText(sql: Connection, itemId: number): PictureTextRow | undefined {
  const row = sql
    .stmt('SELECT t.text, t.words, t.turned, t.read_at AS readAt, t.problem FROM picture_text t JOIN items i ON i.content_hash = t.content_hash WHERE i.id = ?')
    .get(itemId) as (Omit<PictureTextRow, 'words'> & { words: string }) | undefined;
  return row && { ...row, words: JSON.parse(row.words) as StoredWord[] };
}
