import type { Connection } from './connection.js';

/** A word read in a picture: [text, confidence, x0, y0, x1, y1]. */
export type StoredWord = [string, number, number, number, number, number];

export interface PictureTextRow {
  text: string;
  words: StoredWord[];
  turned: number;
  readAt: number;
  problem: string | null;
  /** The cheap test saw no text, so it was not read. */
  skipped: boolean;
}

export interface PictureReading {
  text: string;
  words: StoredWord[];
  turned: number;
  problem: string | null;
  skipped?: boolean;
}

export function setPictureText(sql: Connection, contentHash: string, reading: PictureReading, now: number): void {
  sql.write(() =>
    sql
      .stmt(
        `INSERT INTO picture_text (content_hash, text, words, turned, read_at, problem, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (content_hash) DO UPDATE SET text = excluded.text, words = excluded.words, turned = excluded.turned, read_at = excluded.read_at,
           problem = excluded.problem, skipped = excluded.skipped`,
      )
      .run(contentHash, reading.text, JSON.stringify(reading.words), reading.turned, now, reading.problem, reading.skipped ? 1 : 0),
  );
}

/**
 * Readable photos and products' pictures not read yet: one item per content, oldest first.
 * `everything`: also those the cheap test passed over.
 */
export function unreadPictures(sql: Connection, everything = false): { id: number; contentHash: string }[] {
  return sql
    .stmt(
      `SELECT min(i.id) AS id, i.content_hash AS contentHash FROM items i
       WHERE i.status = 'ok' AND i.content_hash IS NOT NULL AND (i.kind = 'photo' OR i.picture IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM picture_text t WHERE t.content_hash = i.content_hash AND (t.skipped = 0 OR ?))
       GROUP BY i.content_hash ORDER BY 1`,
    )
    .all(everything ? 0 : 1) as { id: number; contentHash: string }[];
}

/** Texts read that have no vector from this text model yet. */
export function textsToEmbed(sql: Connection, model: string): { contentHash: string; text: string }[] {
  return sql
    .stmt(
      `SELECT t.content_hash AS contentHash, t.text FROM picture_text t LEFT JOIN picture_text_vectors v ON v.content_hash = t.content_hash
       WHERE t.text != '' AND (v.model IS NULL OR v.model != ?) ORDER BY t.id`,
    )
    .all(model) as { contentHash: string; text: string }[];
}

export function setTextVectors(sql: Connection, model: string, rows: readonly { contentHash: string; vector: Float32Array }[]): void {
  const insert = sql.stmt(
    `INSERT INTO picture_text_vectors (content_hash, model, vector) VALUES (?, ?, ?)
     ON CONFLICT (content_hash) DO UPDATE SET model = excluded.model, vector = excluded.vector`,
  );
  sql.write(() => {
    for (const row of rows) insert.run(row.contentHash, model, Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength));
  });
}

/**
 * Where the text read stands, for every search (so both figures are cheap: the last entry of
 * an index, and a count of the embedded texts): whether anything was read, how many texts this
 * model embedded, and a key that changes when either changes (for caches).
 */
export function textState(sql: Connection, model: string): { read: boolean; embedded: number; key: string } {
  const lastRead = sql.stmt('SELECT max(read_at) FROM picture_text').pluck().get() as number | null;
  const embedded = sql.stmt('SELECT count(*) FROM picture_text_vectors WHERE model = ?').pluck().get(model) as number;
  return { read: lastRead !== null, embedded, key: `${lastRead ?? 0}:${embedded}:${model}` };
}

/** Every text vector of a model, by content. */
export function textVectors(sql: Connection, model: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const row of sql.stmt('SELECT content_hash AS contentHash, vector FROM picture_text_vectors WHERE model = ?').iterate(model) as Iterable<{ contentHash: string; vector: Buffer }>) {
    out.set(row.contentHash, new Float32Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength)));
  }
  return out;
}

/** The library's items (ok) showing each content. */
export function itemsOfContents(sql: Connection, contentHashes: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const select = sql.stmt("SELECT id FROM items WHERE content_hash = ? AND status = 'ok' ORDER BY id").pluck();
  for (const hash of contentHashes) {
    const ids = select.all(hash) as number[];
    if (ids.length > 0) out.set(hash, ids);
  }
  return out;
}

/** Distinct words of the texts read (FTS5's own vocabulary), for spelling suggestions. */
export function textVocabulary(sql: Connection): string[] {
  return sql.stmt('SELECT term FROM picture_text_vocab').pluck().all() as string[];
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
    .stmt('SELECT t.text, t.words, t.turned, t.read_at AS readAt, t.problem, t.skipped FROM picture_text t JOIN items i ON i.content_hash = t.content_hash WHERE i.id = ?')
    .get(itemId) as (Omit<PictureTextRow, 'words' | 'skipped'> & { words: string; skipped: number }) | undefined;
  return row && { ...row, words: JSON.parse(row.words) as StoredWord[], skipped: row.skipped === 1 };
}
