import type { PersonSummary } from '../../../preload/contract.js';
import { badInput, notFound } from '../errors.js';
import type { Connection } from './connection.js';

/** A person as the People view lists them (see migration 19), before their cover face's box. */
export type PersonRow = Omit<PersonSummary, 'coverBox' | 'coverSize'>;

/** A face as the grouping sees it. */
export interface GroupingFace {
  id: number;
  personId: number | null;
  by: 'auto' | 'user' | null;
  descriptor: Float32Array;
}

const floats = (blob: Buffer): Float32Array => new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));

/** The faces good enough to group (size, turn and focus as isGoodFace says), in the order found. */
export function groupingFaces(sql: Connection, good: { size: number; yaw: number; sharpness: number }): GroupingFace[] {
  const rows = sql
    .stmt(
      `SELECT id, person_id AS personId, person_by AS "by", descriptor FROM faces
       WHERE size >= ? AND abs(yaw) <= ? AND sharpness >= ? ORDER BY id`,
    )
    .all(good.size, good.yaw, good.sharpness) as { id: number; personId: number | null; by: 'auto' | 'user' | null; descriptor: Buffer }[];
  return rows.map((row) => ({ ...row, descriptor: floats(row.descriptor) }));
}

/** Each face's rejected people ("not this person"). */
export function faceRejections(sql: Connection): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const row of sql.stmt('SELECT face_id AS faceId, person_id AS personId FROM face_rejections').all() as { faceId: number; personId: number }[]) {
    out.set(row.faceId, (out.get(row.faceId) ?? new Set()).add(row.personId));
  }
  return out;
}

/** Writes the grouping's decisions: new people made, faces put with people (never over the user's). */
export function saveGrouping(sql: Connection, assignments: readonly { faceId: number; person: number | { new: number } }[]): number {
  return sql.write(() => {
    const made = new Map<number, number>();
    const create = sql.stmt('INSERT INTO people (name, hidden, created_at) VALUES (NULL, 0, ?)');
    const assign = sql.stmt(`UPDATE faces SET person_id = ?, person_by = 'auto' WHERE id = ? AND (person_by IS NULL OR person_by = 'auto')`);
    let changed = 0;
    for (const { faceId, person } of assignments) {
      let id: number;
      if (typeof person === 'number') id = person;
      else {
        id = made.get(person.new) ?? Number(create.run(Date.now()).lastInsertRowid);
        made.set(person.new, id);
      }
      changed += assign.run(id, faceId).changes;
    }
    return changed;
  });
}

export function people(sql: Connection, includeHidden: boolean): PersonRow[] {
  const rows = sql
    .stmt(
      `SELECT p.id, p.name, p.hidden, count(f.id) AS faces,
         (SELECT count(DISTINCT i.id) FROM items i WHERE i.content_hash IN (SELECT content_hash FROM faces WHERE person_id = p.id) AND i.status = 'ok') AS items,
         (SELECT f2.id FROM faces f2 WHERE f2.person_id = p.id ORDER BY f2.size DESC, f2.id LIMIT 1) AS coverFace
       FROM people p LEFT JOIN faces f ON f.person_id = p.id
       WHERE (? OR p.hidden = 0)
       GROUP BY p.id HAVING faces > 0
       ORDER BY faces DESC, p.name, p.id`,
    )
    .all(includeHidden ? 1 : 0) as (Omit<PersonRow, 'hidden' | 'coverItem'> & { hidden: number })[];
  const itemOf = sql.stmt(`SELECT min(i.id) FROM items i JOIN faces f ON f.content_hash = i.content_hash WHERE f.id = ? AND i.status = 'ok'`).pluck();
  return rows.map((row) => ({ ...row, hidden: row.hidden === 1, coverItem: row.coverFace === null ? null : ((itemOf.get(row.coverFace) as number | null) ?? null) }));
}

function personExists(sql: Connection, id: number): void {
  if (sql.stmt('SELECT 1 FROM people WHERE id = ?').get(id) === undefined) throw notFound(`No person with id ${id}.`);
}

/** Names a person (null: unnamed again). A name another person has is refused: merge them instead. */
export function namePerson(sql: Connection, id: number, name: string | null): void {
  sql.write(() => {
    personExists(sql, id);
    const other = name === null ? undefined : (sql.stmt('SELECT id FROM people WHERE name = ? COLLATE NOCASE AND id != ?').pluck().get(name, id) as number | undefined);
    if (other !== undefined) throw badInput(`Someone else is named "${name}" already: merge the two instead.`);
    sql.stmt('UPDATE people SET name = ? WHERE id = ?').run(name, id);
  });
}

/** Moves every face of `from` to `into` (as the user's word, so the grouping keeps them there) and removes `from`. */
export function mergePeople(sql: Connection, from: number, into: number): void {
  if (from === into) throw badInput('A person cannot be merged with themselves.');
  sql.write(() => {
    personExists(sql, from);
    personExists(sql, into);
    const name = sql.stmt('SELECT name FROM people WHERE id = ?').pluck().get(into) ?? sql.stmt('SELECT name FROM people WHERE id = ?').pluck().get(from);
    sql.stmt(`UPDATE faces SET person_id = ?, person_by = 'user' WHERE person_id = ?`).run(into, from);
    sql.stmt('DELETE FROM face_rejections WHERE person_id = ? AND face_id IN (SELECT face_id FROM face_rejections WHERE person_id = ?)').run(from, into);
    sql.stmt('UPDATE OR IGNORE face_rejections SET person_id = ? WHERE person_id = ?').run(into, from);
    sql.stmt('DELETE FROM people WHERE id = ?').run(from);
    sql.stmt('UPDATE people SET name = ? WHERE id = ?').run(name, into);
  });
}

/** "Not this person": the face leaves them, for good (remembered); it may join someone else at the next grouping. */
export function rejectFace(sql: Connection, faceId: number): number {
  return sql.write(() => {
    const personId = sql.stmt('SELECT person_id FROM faces WHERE id = ?').pluck().get(faceId) as number | null | undefined;
    if (personId === undefined) throw notFound(`No face with id ${faceId}.`);
    if (personId === null) throw badInput(`Face ${faceId} is not anyone's yet.`);
    sql.stmt('INSERT OR IGNORE INTO face_rejections (face_id, person_id) VALUES (?, ?)').run(faceId, personId);
    sql.stmt('UPDATE faces SET person_id = NULL, person_by = NULL WHERE id = ?').run(faceId);
    return personId;
  });
}

/** Puts a face with a person by hand (kept there whatever the grouping thinks). */
export function assignFace(sql: Connection, faceId: number, personId: number): void {
  sql.write(() => {
    personExists(sql, personId);
    if (sql.stmt(`UPDATE faces SET person_id = ?, person_by = 'user' WHERE id = ?`).run(personId, faceId).changes === 0) throw notFound(`No face with id ${faceId}.`);
    sql.stmt('DELETE FROM face_rejections WHERE face_id = ? AND person_id = ?').run(faceId, personId);
  });
}

export function hidePerson(sql: Connection, id: number, hidden: boolean): void {
  sql.write(() => {
    personExists(sql, id);
    sql.stmt('UPDATE people SET hidden = ? WHERE id = ?').run(hidden ? 1 : 0, id);
  });
}

/** People named so (case aside); the ids, or undefined for a name nobody has. */
export function personByName(sql: Connection, name: string): number | undefined {
  return sql.stmt('SELECT id FROM people WHERE name = ? COLLATE NOCASE').pluck().get(name) as number | undefined;
}

/** The face ids and person of each face in an item's picture. */
export function facePeople(sql: Connection, faceIds: readonly number[]): Map<number, { personId: number | null; name: string | null }> {
  const rows = sql
    .stmt(`SELECT f.id, f.person_id AS personId, p.name FROM faces f LEFT JOIN people p ON p.id = f.person_id WHERE f.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(faceIds)) as { id: number; personId: number | null; name: string | null }[];
  return new Map(rows.map((row) => [row.id, { personId: row.personId, name: row.name }]));
}

/** The items (photos, products' pictures) with a face of this person. */
export function itemsOfPerson(sql: Connection, personId: number): number[] {
  return sql
    .stmt(`SELECT DISTINCT i.id FROM items i JOIN faces f ON f.content_hash = i.content_hash WHERE f.person_id = ? AND i.status = 'ok'`)
    .pluck()
    .all(personId) as number[];
}

/** A picture's size as shown (EXIF orientation applied), when known. */
export function itemSize(sql: Connection, itemId: number): { width: number; height: number } | undefined {
  const row = sql.stmt('SELECT width, height FROM items WHERE id = ? AND width IS NOT NULL AND height IS NOT NULL').get(itemId) as { width: number; height: number } | undefined;
  return row;
}
