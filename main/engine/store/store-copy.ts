import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Space } from '../../../preload/contract.js';
import { badInput, SemblanceError } from '../errors.js';
import { CARRIED_TABLES } from './copy-reader.js';
import { describeUrl, hashVector, type PgStore, vectorTable } from './postgres/pg-store.js';
import type { Store } from './store.js';

/**
 * `semblance store copy`: a SQLite library into a PostgreSQL database, table by table in key
 * order, each batch written together with where the copy stands, so a copy stopped anywhere
 * (Ctrl-C, a crash, a lost connection) resumes after its last batch when run again. Ends by
 * checking what arrived: every table's row count, and each space's vectors by count and a
 * checksum over their exact values. The SQLite file is only read.
 */
export interface CopyProgress {
  /** A table, `vec_<space>` for a space's vectors, or `index <space>` while its HNSW index is built. */
  step: string;
  done: number;
  total: number;
}

export interface CopySummary {
  from: string;
  /** True when an earlier, stopped copy was picked up. */
  resumed: boolean;
  tables: { table: string; rows: number }[];
  vectors: { space: Space; count: number; sha256: string }[];
  /** Data in the library that the PostgreSQL store does not hold yet (faces, maps, …): left in the SQLite file. */
  notCarried: { table: string; rows: number }[];
  seconds: number;
}

export interface CopyOptions {
  /** Rows per batch (and transaction). */
  batch?: number;
  onProgress?: (progress: CopyProgress) => void;
  signal?: AbortSignal;
  /** Tests: called after each batch is written (a place to stop a copy mid-way). */
  afterBatch?: (step: string) => void;
}

export async function copyToPostgres(from: Store, to: PgStore, options: CopyOptions = {}): Promise<CopySummary> {
  const started = performance.now();
  const batch = options.batch ?? 2000;
  const source = path.resolve(from.file);
  const reader = from.copyReader();
  const progress = await to.copyProgress(source);
  const resumed = progress.size > 0;
  if (!resumed) {
    const others = await to.otherCopies(source);
    if (others.length > 0) throw badInput(`The PostgreSQL database is being filled from another library (${others[0]}); finish that copy first.`);
    const held = await to.count('items');
    if (held > 0) throw badInput(`The PostgreSQL database already holds a library (${held.toLocaleString()} items). Copy into an empty database.`);
  }
  const stopIfAsked = (): void => {
    if (options.signal?.aborted) throw new SemblanceError('cancelled', 'The copy was stopped; run it again to go on from where it stopped.');
  };

  for (const { name: table, key } of CARRIED_TABLES) {
    const columns = reader.columns(table);
    const target = new Set(await to.columns(table));
    const missing = columns.filter((c) => !target.has(c));
    if (missing.length > 0) throw new SemblanceError('internal', `The PostgreSQL store has no place for ${table}.${missing.join(`, ${table}.`)}: nothing was copied of ${table}.`);
    const total = reader.count(table);
    const state = progress.get(table);
    if (state?.done) continue;
    let after = state?.lastKey ? (JSON.parse(state.lastKey) as unknown[]) : null;
    let done = after ? await to.count(table) : 0;
    for (;;) {
      stopIfAsked();
      const page = reader.rowsAfter(table, key, after, batch);
      const last = page.rows[page.rows.length - 1];
      if (last) after = key.map((k) => last[columns.indexOf(k)]);
      const finished = page.rows.length < batch;
      await to.writeRows(table, columns, page.rows, { source, lastKey: after ? JSON.stringify(after) : null, done: finished });
      done += page.rows.length;
      options.onProgress?.({ step: table, done, total });
      options.afterBatch?.(table);
      if (finished) break;
    }
  }

  const spaces = reader.spaces();
  for (const space of spaces) await to.ensureVectorTable(space.name, space.dims);
  for (const space of spaces) {
    const step = vectorTable(space.name);
    const total = reader.vectorCount(space.name);
    const state = progress.get(step);
    if (state?.done) continue;
    let after = Number(state?.lastKey ?? 0);
    let done = after > 0 ? await to.count(step) : 0;
    for (;;) {
      stopIfAsked();
      const rows = reader.vectorsAfter(space.name, space.dims, after, batch);
      const last = rows[rows.length - 1];
      if (last) after = last.itemId;
      const finished = rows.length < batch;
      await to.writeVectors(space.name, rows, { source, lastKey: String(after), done: finished });
      done += rows.length;
      options.onProgress?.({ step, done, total });
      options.afterBatch?.(step);
      if (finished) break;
    }
  }
  for (const space of spaces) {
    stopIfAsked();
    options.onProgress?.({ step: `index ${space.name}`, done: 0, total: 1 });
    await to.indexSpace(space.name);
    options.onProgress?.({ step: `index ${space.name}`, done: 1, total: 1 });
  }

  await to.analyze();
  await to.syncIds();

  // What arrived, checked before the copy is called done.
  const tables: CopySummary['tables'] = [];
  for (const { name: table } of CARRIED_TABLES) {
    const [here, there] = [reader.count(table), await to.count(table)];
    if (here !== there) throw new SemblanceError('database', `The copy of ${table} is incomplete: ${here.toLocaleString()} rows in the library, ${there.toLocaleString()} in PostgreSQL. Run the copy again.`);
    tables.push({ table, rows: here });
  }
  const vectors: CopySummary['vectors'] = [];
  for (const space of spaces) {
    const here = sourceChecksum(reader, space.name, space.dims);
    const there = await to.vectorChecksum(space.name);
    if (here.count !== there.count || here.sha256 !== there.sha256) {
      throw new SemblanceError('database', `The ${space.name} vectors differ after the copy (${here.count.toLocaleString()} here, ${there.count.toLocaleString()} there, checksums ${here.sha256.slice(0, 12)} and ${there.sha256.slice(0, 12)}).`);
    }
    vectors.push({ space: space.name, ...here });
  }
  await to.finishCopy(source);
  return {
    from: source,
    resumed,
    tables,
    vectors,
    notCarried: [...reader.uncarried()].map(([table, rows]) => ({ table, rows })),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The same checksum as PgStore.vectorChecksum, over the SQLite library's vectors. */
function sourceChecksum(reader: ReturnType<Store['copyReader']>, space: Space, dims: number): { count: number; sha256: string } {
  const hash = createHash('sha256');
  let [after, count] = [0, 0];
  for (;;) {
    const page = reader.vectorsAfter(space, dims, after, 2000);
    if (page.length === 0) break;
    for (const row of page) hashVector(hash, row);
    count += page.length;
    after = page[page.length - 1]?.itemId ?? after;
  }
  return { count, sha256: hash.digest('hex') };
}

/**
 * The way back: a PostgreSQL library into an empty SQLite one (a new file), the same way: in
 * key order, each batch with where the copy stands (in the SQLite file), checked by counts
 * and checksums at the end. The PostgreSQL database is only read.
 */
export async function copyToSqlite(from: PgStore, to: Store, options: CopyOptions = {}): Promise<CopySummary> {
  const started = performance.now();
  const batch = options.batch ?? 2000;
  const source = describeUrl(from.url);
  const writer = to.copyWriter();
  const reader = to.copyReader();
  const positions = writer.positions(source);
  const resumed = positions.size > 0;
  if (!resumed) {
    const others = writer.otherSources(source);
    if (others.length > 0) throw badInput(`This library is being filled from another database (${others[0]}); finish that copy first.`);
    const held = reader.count('items');
    if (held > 0) throw badInput(`${to.file} already holds a library (${held.toLocaleString()} items). Copy into a new file.`);
  }
  const stopIfAsked = (): void => {
    if (options.signal?.aborted) throw new SemblanceError('cancelled', 'The copy was stopped; run it again to go on from where it stopped.');
  };

  for (const { name: table, key } of CARRIED_TABLES) {
    const target = new Set(reader.columns(table));
    const missing = (await from.columns(table)).filter((c) => !target.has(c));
    if (missing.length > 0) throw new SemblanceError('internal', `This library has no place for ${table}.${missing.join(`, ${table}.`)}: nothing was copied of ${table}.`);
    const total = await from.count(table);
    const state = positions.get(table);
    if (state?.done) continue;
    let after = state?.lastKey ? (JSON.parse(state.lastKey) as unknown[]) : null;
    let done = after ? reader.count(table) : 0;
    for (;;) {
      stopIfAsked();
      const page = await from.rowsAfter(table, key, after, batch);
      const last = page.rows[page.rows.length - 1];
      if (last) after = key.map((k) => last[page.columns.indexOf(k)]);
      const finished = page.rows.length < batch;
      writer.rows(table, page.columns, page.rows, { source, lastKey: after ? JSON.stringify(after) : null, done: finished });
      done += page.rows.length;
      options.onProgress?.({ step: table, done, total });
      options.afterBatch?.(table);
      if (finished) break;
    }
  }
  to.refreshSpaceModels();

  const spaces = await from.spaces();
  for (const space of spaces) {
    const step = vectorTable(space.name);
    const total = await from.count(step);
    const state = positions.get(step);
    if (state?.done) continue;
    let after = Number(state?.lastKey ?? 0);
    let done = after > 0 ? reader.vectorCount(space.name) : 0;
    for (;;) {
      stopIfAsked();
      const rows = await from.vectorsAfter(space.name, after, batch);
      const last = rows[rows.length - 1];
      if (last) after = last.itemId;
      const finished = rows.length < batch;
      writer.vectors(space.name, space.dims, rows, { source, lastKey: String(after), done: finished });
      done += rows.length;
      options.onProgress?.({ step, done, total });
      options.afterBatch?.(step);
      if (finished) break;
    }
  }
  to.refreshSpaceModels();

  const tables: CopySummary['tables'] = [];
  for (const { name: table } of CARRIED_TABLES) {
    const [there, here] = [await from.count(table), reader.count(table)];
    if (here !== there) throw new SemblanceError('database', `The copy of ${table} is incomplete: ${there.toLocaleString()} rows in PostgreSQL, ${here.toLocaleString()} in the library. Run the copy again.`);
    tables.push({ table, rows: here });
  }
  const vectors: CopySummary['vectors'] = [];
  for (const space of spaces) {
    const [there, here] = [await from.vectorChecksum(space.name), sourceChecksum(reader, space.name, space.dims)];
    if (here.count !== there.count || here.sha256 !== there.sha256) {
      throw new SemblanceError('database', `The ${space.name} vectors differ after the copy (${there.count.toLocaleString()} there, ${here.count.toLocaleString()} here, checksums ${there.sha256.slice(0, 12)} and ${here.sha256.slice(0, 12)}).`);
    }
    vectors.push({ space: space.name, ...here });
  }
  writer.finish(source);
  return { from: source, resumed, tables, vectors, notCarried: [], seconds: (performance.now() - started) / 1000 };
}
