import type { Connection } from './connection.js';

/** A face as kept (see migration 18). */
export interface FaceRow {
  id: number;
  contentHash: string;
  /** Fractions of the picture as shown (EXIF orientation applied). */
  box: { x: number; y: number; width: number; height: number };
  /** The detector's score, and the second detector's overlap with the box (IoU; 0: it saw no face there). */
  score: number;
  agreement: number;
  /** Its shorter side in the original's pixels; focus (Laplacian variance of a 64×64 grey copy); turn (the nose's offset from between the eyes, in eye distances). */
  size: number;
  sharpness: number;
  yaw: number;
  /** The 128-d descriptor of the aligned face. */
  descriptor: Float32Array;
}

interface RawFace {
  id: number;
  contentHash: string;
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  agreement: number;
  size: number;
  sharpness: number;
  yaw: number;
  descriptor: Buffer;
}

const floats = (blob: Buffer): Float32Array => new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const rowOf = ({ x, y, width, height, descriptor, ...rest }: RawFace): FaceRow => ({ ...rest, box: { x, y, width, height }, descriptor: floats(descriptor) });
const COLUMNS = 'id, content_hash AS contentHash, x, y, width, height, score, agreement, size, sharpness, yaw, descriptor';

/** Pictures (one item per content) not looked at for faces yet: library photos and products' pictures. */
export function unscannedPictures(sql: Connection): { id: number; contentHash: string }[] {
  return sql
    .stmt(
      `SELECT min(i.id) AS id, i.content_hash AS contentHash FROM items i
       WHERE i.status = 'ok' AND i.content_hash IS NOT NULL AND (i.kind = 'photo' OR i.picture IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM face_scans s WHERE s.content_hash = i.content_hash)
       GROUP BY i.content_hash ORDER BY 1`,
    )
    .all() as { id: number; contentHash: string }[];
}

/** A picture's faces (replacing any it had), or why it could not be looked at. */
export function setFaces(sql: Connection, contentHash: string, faces: readonly Omit<FaceRow, 'id' | 'contentHash'>[], problem: string | null = null): void {
  sql.write(() => {
    sql.stmt('DELETE FROM face_scans WHERE content_hash = ?').run(contentHash);
    sql.stmt('INSERT INTO face_scans (content_hash, faces, scanned_at, problem) VALUES (?, ?, ?, ?)').run(contentHash, faces.length, Date.now(), problem);
    const insert = sql.stmt(
      `INSERT INTO faces (content_hash, x, y, width, height, score, agreement, size, sharpness, yaw, descriptor)
       VALUES (@contentHash, @x, @y, @width, @height, @score, @agreement, @size, @sharpness, @yaw, @descriptor)`,
    );
    for (const face of faces) {
      insert.run({ contentHash, ...face.box, score: face.score, agreement: face.agreement, size: face.size, sharpness: face.sharpness, yaw: face.yaw, descriptor: Buffer.from(face.descriptor.buffer, face.descriptor.byteOffset, face.descriptor.byteLength) });
    }
  });
}

/** An item's faces (those of its picture's content), largest first; undefined when its picture was not looked at yet. */
export function itemFaces(sql: Connection, itemId: number): { faces: FaceRow[]; problem: string | null } | undefined {
  const scan = sql
    .stmt('SELECT s.content_hash AS contentHash, s.problem FROM face_scans s JOIN items i ON i.content_hash = s.content_hash WHERE i.id = ?')
    .get(itemId) as { contentHash: string; problem: string | null } | undefined;
  if (!scan) return undefined;
  const faces = (sql.stmt(`SELECT ${COLUMNS} FROM faces WHERE content_hash = ? ORDER BY width * height DESC, id`).all(scan.contentHash) as RawFace[]).map(rowOf);
  return { faces, problem: scan.problem };
}

/** Every face, in the order found (for grouping them and measuring). */
export function forEachFace(sql: Connection, callback: (face: FaceRow) => void): void {
  for (const row of sql.stmt(`SELECT ${COLUMNS} FROM faces ORDER BY id`).iterate() as IterableIterator<RawFace>) callback(rowOf(row));
}

export function faceCounts(sql: Connection): { scanned: number; faces: number; pictures: number } {
  return sql
    .stmt(
      `SELECT (SELECT count(*) FROM face_scans) AS scanned, (SELECT count(*) FROM faces) AS faces,
         (SELECT count(DISTINCT content_hash) FROM faces) AS pictures`,
    )
    .get() as { scanned: number; faces: number; pictures: number };
}

/** Forgets every face, every scan and every person with their names (faces turned off): nothing about faces is left. */
export function dropFaces(sql: Connection): number {
  return sql.write(() => {
    const faces = sql.stmt('DELETE FROM faces').run().changes;
    sql.stmt('DELETE FROM face_scans').run();
    sql.stmt('DELETE FROM people').run();
    return faces;
  });
}
