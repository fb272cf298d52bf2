import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Space } from '../../../../preload/contract.js';
import { badInput, SemblanceError } from '../../errors.js';
import { migrate } from './pg-migrations.js';

/**
 * The PostgreSQL + pgvector store: a library in a database that other processes (and other
 * machines) share. This is its first part: the schema (pg-migrations.ts), bulk writes with
 * resumable progress (what `store copy` needs), vector reads and checksums, and weighted
 * multi-space search (pg-search.ts). Every query is here: SQL stays in the store.
 *
 * Client: node-postgres (`pg`), the most used PostgreSQL client for Node, pure JavaScript,
 * with a pool; `pg-copy-streams` for COPY … FROM STDIN, the fast way to write vectors in bulk.
 */
export const SPACES: readonly Space[] = ['clip', 'visual', 'text', 'colour'];
/** Where processes announce changes, and the advisory-lock key space of jobs ("SEMJ"). */
const CHANGES_CHANNEL = 'semblance_changes';
const JOB_LOCKS = 0x53454d4a;
/** The item id of a change to the library's lists rather than to an item (items start at 1). */
export const LIBRARY_CHANGE = 0;
/** PostgreSQL's bigint: the store's ids and times, all within JavaScript's exact integers. */
const BIGINT_OID = 20;
export const vectorTable = (space: Space): string => {
  if (!SPACES.includes(space)) throw new Error(`unknown space ${String(space)}`);
  return `vec_${space}`;
};

export interface PgSpace {
  name: Space;
  modelId: string;
  dims: number;
  generation: number;
  updatedAt: number;
}

/** A stored vector as it travels: its item, the generation of the model that made it, its values. */
export interface VectorRow {
  itemId: number;
  generation: number;
  vector: Float32Array;
}

/** A URL that names a PostgreSQL database (what `--store` and `SEMBLANCE_STORE` take). */
export const isPostgresUrl = (value: string): boolean => /^postgres(ql)?:\/\//i.test(value);

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL URL given';
  }
}

/** pgvector's text form (what COPY and parameters take): exact, since a float32 printed shortest reads back as itself. */
export const vectorText = (vector: Float32Array): string => `[${Array.from(vector).join(',')}]`;

/**
 * pgvector's binary form (int16 dims, int16 unused, float4 big-endian each), asked for with
 * vector_send() so it arrives as bytea (a Buffer): no float printed by the server and parsed
 * here, hundreds of vectors a search.
 */
export function vectorFromBinary(data: Buffer): Float32Array {
  const dims = data.readInt16BE(0);
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = data.readFloatBE(4 + 4 * i);
  return out;
}

/**
 * How a space's HNSW graph is built: pgvector's `m` (links per node, 2 to 100, default 16) and
 * `ef_construction` (how widely each insert looks, 4 to 1,000, default 64). Larger ones make
 * a graph that finds more of the true nearest at the same ef_search, at a slower build.
 */
export interface HnswBuild {
  m?: number;
  efConstruction?: number;
}

function hnswWith(build: HnswBuild): string {
  const parts: string[] = [];
  const check = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min || value > max) throw badInput(`HNSW ${name} must be a whole number from ${min} to ${max}, got ${value}.`);
    parts.push(`${name} = ${value}`);
  };
  check('m', build.m, 2, 100);
  check('ef_construction', build.efConstruction, 4, 1000);
  // pgvector's own rule, said before a build begins rather than by the server after the rows are in.
  const [m, efConstruction] = [build.m ?? 16, build.efConstruction ?? 64];
  if (efConstruction < 2 * m) throw badInput(`HNSW ef_construction (${efConstruction}) must be at least twice m (${2 * m}).`);
  return parts.length > 0 ? ` WITH (${parts.join(', ')})` : '';
}

export class PgStore {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly #hnsw: string;

  private constructor(url: string, pool: pg.Pool, hnsw: string) {
    this.url = url;
    this.pool = pool;
    this.#hnsw = hnsw;
  }

  /** Connects and brings the schema up to date; a clear error when the server cannot be reached or lacks pgvector. */
  static async open(url: string, options: { connections?: number; hnsw?: HnswBuild } = {}): Promise<PgStore> {
    const hnsw = hnswWith(options.hnsw ?? {});
    const pool = new pg.Pool({ connectionString: url, max: options.connections ?? 8 });
    // An idle client's error (the server went away) must not end the process.
    pool.on('error', () => undefined);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new SemblanceError('unavailable', `Could not reach PostgreSQL at ${describeUrl(url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      await migrate(client);
    } catch (error) {
      client.release();
      await pool.end().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      const hint = /extension "vector"/.test(reason) ? ' (pgvector is not installed on that server: see "Beyond one machine" in the README)' : '';
      throw new SemblanceError('unavailable', `Could not prepare the PostgreSQL database at ${describeUrl(url)}: ${reason}${hint}`, { cause: error });
    }
    client.release();
    return new PgStore(url, pool, hnsw);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async spaces(): Promise<PgSpace[]> {
    const { rows } = await this.pool.query<{ name: Space; model_id: string; dims: string; generation: string; updated_at: string }>('SELECT * FROM spaces ORDER BY name');
    return rows.map((r) => ({ name: r.name, modelId: r.model_id, dims: Number(r.dims), generation: Number(r.generation), updatedAt: Number(r.updated_at) }));
  }

  /** A space's model, and its vector table (made when the space is). */
  async putSpace(space: PgSpace): Promise<void> {
    await this.pool.query(
      `INSERT INTO spaces (name, model_id, dims, generation, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET model_id = excluded.model_id, dims = excluded.dims, generation = excluded.generation, updated_at = excluded.updated_at`,
      [space.name, space.modelId, space.dims, space.generation, space.updatedAt],
    );
    await this.ensureVectorTable(space.name, space.dims);
  }

  async ensureVectorTable(space: Space, dims: number): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${vectorTable(space)} (
         item_id bigint PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
         generation bigint NOT NULL,
         embedding vector(${Math.trunc(dims)}) NOT NULL
       )`,
    );
  }

  /**
   * The HNSW index of a space (cosine distance), built once its vectors are in: building it
   * over the rows is much faster than growing it row by row.
   */
  async indexSpace(space: Space): Promise<void> {
    await this.pool.query(`CREATE INDEX IF NOT EXISTS ${vectorTable(space)}_hnsw ON ${vectorTable(space)} USING hnsw (embedding vector_cosine_ops)${this.#hnsw}`);
    // Fresh statistics: without them the planner takes a bulk-filled table for a few rows and scans it instead.
    await this.pool.query(`ANALYZE ${vectorTable(space)}`);
  }

  /** Statistics for every table, after a bulk write. */
  async analyze(): Promise<void> {
    await this.pool.query('ANALYZE');
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${safeTable(table)}`);
    return Number(rows[0]?.n ?? 0);
  }

  async hasTable(table: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1', [table]);
    return rows.length > 0;
  }

  /** The columns of one of the store's tables, in order. */
  async columns(table: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    return rows.map((r) => r.column_name);
  }

  /** Up to `limit` rows of a table after the key `after` (from the first when null), in key order, bigints as numbers. */
  async rowsAfter(table: string, key: readonly string[], after: readonly unknown[] | null, limit: number): Promise<{ columns: string[]; rows: unknown[][] }> {
    const keyList = key.map(safeColumn).join(', ');
    const where = after ? `WHERE (${keyList}) > (${key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const result = await this.pool.query<unknown[]>({
      text: `SELECT * FROM ${safeTable(table)} ${where} ORDER BY ${keyList} LIMIT $${key.length * (after ? 1 : 0) + 1}`,
      values: [...(after ?? []), limit],
      rowMode: 'array',
      types: { getTypeParser: ((oid: number, format?: string) => (oid === BIGINT_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    });
    return { columns: result.fields.map((f) => f.name), rows: result.rows };
  }

  /** Where a copy from `source` stands: the last key written per table, and the tables finished. */
  async copyProgress(source: string): Promise<Map<string, { lastKey: string | null; done: boolean }>> {
    const { rows } = await this.pool.query<{ table_name: string; last_key: string | null; done: boolean }>('SELECT table_name, last_key, done FROM copies_in_progress WHERE source = $1', [source]);
    return new Map(rows.map((r) => [r.table_name, { lastKey: r.last_key, done: r.done }]));
  }

  async otherCopies(source: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ source: string }>('SELECT DISTINCT source FROM copies_in_progress WHERE source <> $1', [source]);
    return rows.map((r) => r.source);
  }

  /** Moves the id sequences past the ids a copy wrote, so items, folders and albums made here next do not collide with them. */
  async syncIds(): Promise<void> {
    for (const table of ['items', 'roots', 'albums']) {
      await this.pool.query(`SELECT setval('${table}_id_seq', COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`);
    }
  }

  async finishCopy(source: string): Promise<void> {
    await this.pool.query('DELETE FROM copies_in_progress WHERE source = $1', [source]);
  }

  /** Rows of one table, and where the copy now stands, in one transaction: a copy stopped anywhere has written both or neither. */
  async writeRows(table: string, columns: readonly string[], rows: readonly unknown[][], progress: { source: string; lastKey: string | null; done: boolean }): Promise<void> {
    await this.transaction(async (client) => {
      // Parameters are limited to 65,535 per statement.
      const per = Math.max(1, Math.floor(60_000 / Math.max(1, columns.length)));
      for (let start = 0; start < rows.length; start += per) {
        const part = rows.slice(start, start + per);
        const values = part.map((row, r) => `(${row.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${safeTable(table)} (${columns.map(safeColumn).join(', ')}) VALUES ${values}`, part.flat());
      }
      await this.saveProgress(client, table, progress);
    });
  }

  /** Vectors of one space by COPY, and where the copy stands, in one transaction. */
  async writeVectors(space: Space, rows: readonly VectorRow[], progress: { source: string; lastKey: string | null; done: boolean }): Promise<void> {
    await this.transaction(async (client) => {
      if (rows.length > 0) {
        await pipeline(Readable.from(binaryCopy(rows)), client.query(copyFrom(`COPY ${vectorTable(space)} (item_id, generation, embedding) FROM STDIN (FORMAT binary)`)));
      }
      await this.saveProgress(client, vectorTable(space), progress);
    });
  }

  /** A space's vectors in item order, a page at a time (for checksums and copies out). */
  async vectorsAfter(space: Space, after: number, limit: number): Promise<VectorRow[]> {
    const { rows } = await this.pool.query<{ item_id: string; generation: string; embedding: Buffer }>(
      `SELECT item_id, generation, vector_send(embedding) AS embedding FROM ${vectorTable(space)} WHERE item_id > $1 ORDER BY item_id LIMIT $2`,
      [after, limit],
    );
    return rows.map((row) => ({ itemId: Number(row.item_id), generation: Number(row.generation), vector: vectorFromBinary(row.embedding) }));
  }

  /** The checksum of a space's vectors: SHA-256 over (item id, generation, float32 values) in item order; the same on both stores when the vectors are. */
  async vectorChecksum(space: Space): Promise<{ count: number; sha256: string }> {
    const hash = createHash('sha256');
    let [after, count] = [0, 0];
    for (;;) {
      const page = await this.vectorsAfter(space, after, 2000);
      if (page.length === 0) break;
      for (const row of page) hashVector(hash, row);
      count += page.length;
      after = (page[page.length - 1] as VectorRow).itemId;
    }
    return { count, sha256: hash.digest('hex') };
  }

  // ---- several processes on one database --------------------------------------------------

  /**
   * Records that items changed (their rows or a space's vectors), in the caller's transaction,
   * and announces the newest change number to every process listening: they read what came
   * after the last number they saw, so nothing is reloaded whole and nothing is missed (a
   * process that was away reads every change since its number when it comes back).
   */
  async noteChanges(client: pg.PoolClient, itemIds: readonly number[], space: Space | null = null): Promise<number> {
    if (itemIds.length === 0) return this.latestChange(client);
    const { rows } = await client.query<{ seq: string }>('INSERT INTO changes (item_id, space) SELECT unnest($1::bigint[]), $2 RETURNING seq', [itemIds, space]);
    const seq = Math.max(...rows.map((r) => Number(r.seq)));
    // Delivered when the transaction commits, never before (and not at all if it rolls back).
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(seq)]);
    return seq;
  }

  /**
   * A change that is not one item's (an album made, renamed or deleted): recorded as item 0,
   * so the processes listening refresh their lists as they do for items.
   */
  async noteLibraryChange(client: pg.PoolClient): Promise<number> {
    return this.noteChanges(client, [LIBRARY_CHANGE]);
  }

  async latestChange(client: pg.PoolClient | pg.Pool = this.pool): Promise<number> {
    const { rows } = await client.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM changes');
    return Number(rows[0]?.seq ?? 0);
  }

  /** The changes after `seq`, oldest first: which items, and which space's vectors (null: the item's row). */
  async changesAfter(seq: number, limit = 10_000): Promise<{ seq: number; itemId: number; space: Space | null }[]> {
    const { rows } = await this.pool.query<{ seq: string; item_id: string; space: Space | null }>('SELECT seq, item_id, space FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return rows.map((r) => ({ seq: Number(r.seq), itemId: Number(r.item_id), space: r.space }));
  }

  /**
   * Calls `onChange` with each newest change number another process announces (LISTEN, on a
   * connection of its own). Returns the way to stop listening.
   */
  async follow(onChange: (seq: number) => void, onError: (error: Error) => void = () => undefined): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: this.url });
    let stopping = false;
    client.on('error', onError);
    // A connection closed by the server (a restart, pg_terminate_backend) is lost too.
    client.on('end', () => {
      if (!stopping) onError(new Error('the connection was closed'));
    });
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL && message.payload) onChange(Number(message.payload));
    });
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    return async () => {
      stopping = true;
      await client.end().catch(() => undefined);
    };
  }

  /**
   * One `name` job at a time across every process on this database (an advisory lock held by
   * a connection of its own, so a process that dies lets go with its connection). Null when
   * another process holds it.
   */
  async tryJobLock(name: string): Promise<{ release(): Promise<void> } | null> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [JOB_LOCKS, name]);
      if (!rows[0]?.locked) {
        client.release();
        return null;
      }
    } catch (error) {
      client.release();
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCKS, name]);
        } finally {
          client.release();
        }
      },
    };
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async saveProgress(client: pg.PoolClient, table: string, progress: { source: string; lastKey: string | null; done: boolean }): Promise<void> {
    await client.query(
      `INSERT INTO copies_in_progress (source, table_name, last_key, done) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, table_name) DO UPDATE SET last_key = excluded.last_key, done = excluded.done`,
      [progress.source, table, progress.lastKey, progress.done],
    );
  }
}

/**
 * Vectors in COPY's binary format (a header; per row the field count, then each field's length
 * and bytes: bigint, bigint, and pgvector's own binary form; a trailer): no float is printed
 * or parsed on the way, which text COPY spends most of its time on.
 */
function* binaryCopy(rows: readonly VectorRow[]): Generator<Buffer> {
  yield Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
  for (const row of rows) {
    const dims = row.vector.length;
    const out = Buffer.alloc(2 + (4 + 8) * 2 + 4 + 4 + 4 * dims);
    let at = out.writeInt16BE(3, 0);
    at = out.writeInt32BE(8, at);
    at = out.writeBigInt64BE(BigInt(row.itemId), at);
    at = out.writeInt32BE(8, at);
    at = out.writeBigInt64BE(BigInt(row.generation), at);
    at = out.writeInt32BE(4 + 4 * dims, at);
    at = out.writeInt16BE(dims, at);
    at = out.writeInt16BE(0, at);
    for (let i = 0; i < dims; i++) at = out.writeFloatBE(row.vector[i] as number, at);
    yield out;
  }
  yield Buffer.from([0xff, 0xff]);
}

/** Adds one vector to a running checksum (the same bytes whichever store it came from). */
export function hashVector(hash: ReturnType<typeof createHash>, row: VectorRow): void {
  const head = Buffer.alloc(16);
  head.writeBigInt64LE(BigInt(row.itemId), 0);
  head.writeBigInt64LE(BigInt(row.generation), 8);
  hash.update(head);
  hash.update(Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength));
}

/** Table and column names come from the store's own lists; checked anyway, as they are spliced into SQL. */
function safeTable(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a table name: ${name}`);
  return name;
}
function safeColumn(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a column name: ${name}`);
  return name;
}
