import type pg from 'pg';

/**
 * The PostgreSQL store's schema, step by step, recorded in `schema_migrations`. The tables
 * mirror the SQLite store's, column for column and with the same names, so a library moves
 * between the two without translation; what differs is only the type system (bigint for
 * SQLite's INTEGER, double precision for REAL, bytea for BLOB) and the vectors: one table per
 * space, `vector(d)` with an HNSW index, instead of sqlite-vec's vec0 tables plus
 * item_vectors. JSON columns stay text, exactly as the SQLite store wrote them.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'roots, items, spaces, labels, label sets, settings, albums, catalogs; the change sequence; copies in progress',
    sql: `
      CREATE EXTENSION IF NOT EXISTS vector;

      CREATE TABLE roots (
        id bigint PRIMARY KEY,
        path text NOT NULL UNIQUE,
        online bigint NOT NULL DEFAULT 1 CHECK (online IN (0, 1)),
        added_at bigint NOT NULL
      );

      CREATE TABLE items (
        id bigint PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('photo', 'product')),
        root_id bigint REFERENCES roots(id) ON DELETE CASCADE,
        path text,
        catalog_key text,
        content_hash text,
        size bigint,
        mtime_ms bigint,
        width bigint,
        height bigint,
        taken_at bigint,
        title text,
        attributes text,
        status text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error', 'offline')),
        error text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        caption text,
        catalog text,
        catalog_folder text,
        row_id text,
        row_hash text,
        picture text,
        picture_error text,
        device bigint,
        ctime_ms bigint,
        path_bytes bytea,
        roles text,
        CHECK (path IS NOT NULL OR catalog_key IS NOT NULL)
      );
      CREATE UNIQUE INDEX items_by_path ON items(path) WHERE path IS NOT NULL;
      CREATE UNIQUE INDEX items_by_catalog_key ON items(catalog_key) WHERE catalog_key IS NOT NULL;
      CREATE INDEX items_by_hash ON items(content_hash);
      CREATE INDEX items_by_root ON items(root_id);
      CREATE INDEX items_by_kind ON items(kind, id);
      CREATE INDEX items_by_taken ON items(taken_at);

      -- Which model fills each space; its vectors are in vec_<space>, made with the space.
      CREATE TABLE spaces (
        name text PRIMARY KEY CHECK (name IN ('clip', 'visual', 'text', 'colour')),
        model_id text NOT NULL,
        dims bigint NOT NULL CHECK (dims > 0),
        generation bigint NOT NULL DEFAULT 1,
        updated_at bigint NOT NULL
      );

      CREATE TABLE labels (
        item_id bigint NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        label_set text NOT NULL DEFAULT '',
        label text NOT NULL,
        confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
        PRIMARY KEY (item_id, label_set, label)
      );
      CREATE INDEX labels_by_label ON labels(label, item_id);

      CREATE TABLE label_sets (
        name text PRIMARY KEY,
        labels text NOT NULL,
        template text,
        threshold double precision,
        applied_through bigint,
        updated_at bigint NOT NULL
      );

      CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL,
        updated_at bigint NOT NULL
      );

      CREATE TABLE albums (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        query text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        view text
      );
      CREATE TABLE album_items (
        album_id bigint NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        item_id bigint NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        added_at bigint NOT NULL,
        PRIMARY KEY (album_id, item_id)
      );

      CREATE TABLE catalogs (
        name text PRIMARY KEY,
        file text,
        mapping text,
        columns text,
        summary text,
        imported_at bigint
      );

      -- Every change to items and vectors, in order: another process reading the same
      -- database catches up by asking for what came after the last number it saw.
      CREATE TABLE changes (
        seq bigserial PRIMARY KEY,
        item_id bigint NOT NULL,
        space text,
        at timestamptz NOT NULL DEFAULT now()
      );

      -- A copy into this database under way: per source and table, the last key written (in
      -- the same transaction as its rows), so a copy stopped anywhere resumes after it.
      CREATE TABLE copies_in_progress (
        source text NOT NULL,
        table_name text NOT NULL,
        last_key text,
        done boolean NOT NULL DEFAULT false,
        PRIMARY KEY (source, table_name)
      );
    `,
  },
  {
    version: 2,
    name: 'ids given by the database for items, roots and albums written here; perceptual hashes',
    sql: `
      -- A copy writes the source's ids; a process indexing here takes the next from these
      -- sequences, which a copy moves past its rows (syncIds).
      CREATE SEQUENCE items_id_seq OWNED BY items.id;
      ALTER TABLE items ALTER COLUMN id SET DEFAULT nextval('items_id_seq');
      CREATE SEQUENCE roots_id_seq OWNED BY roots.id;
      ALTER TABLE roots ALTER COLUMN id SET DEFAULT nextval('roots_id_seq');
      CREATE SEQUENCE albums_id_seq OWNED BY albums.id;
      ALTER TABLE albums ALTER COLUMN id SET DEFAULT nextval('albums_id_seq');
      SELECT setval('items_id_seq', COALESCE((SELECT max(id) FROM items), 0) + 1, false);
      SELECT setval('roots_id_seq', COALESCE((SELECT max(id) FROM roots), 0) + 1, false);
      SELECT setval('albums_id_seq', COALESCE((SELECT max(id) FROM albums), 0) + 1, false);

      -- Four perceptual hashes of a picture (its turns), by content, as the SQLite store keeps them.
      CREATE TABLE picture_hashes (
        content_hash text PRIMARY KEY,
        hashes text NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'numbers as people write them in catalogs (conditions such as price <= 50)',
    sql: `
      -- catalog/number-of.ts in SQL: "49.99", "$49.99", "49.99 USD", "1,299.00", "1.299,00 €", "-3";
      -- null for anything else, so a condition never compares a word. Digits are [0-9], not \\d,
      -- which some locales widen to other scripts' digits that a cast would refuse.
      CREATE FUNCTION semblance_number_of(value text) RETURNS double precision
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
      DECLARE
        t text;
        n numeric;
      BEGIN
        IF value IS NULL THEN RETURN NULL; END IF;
        t := regexp_replace(value, '^\\s+|\\s+$', '', 'g');
        t := regexp_replace(t, '^([A-Z]{3}|[$€£¥₹])\\s*', '');
        t := regexp_replace(t, '\\s*([A-Z]{3}|[$€£¥₹])$', '');
        IF t ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN n := t::numeric;
        ELSIF t ~ '^-?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]+)?$' THEN n := replace(t, ',', '')::numeric;
        ELSIF t ~ '^-?[0-9]{1,3}(\\.[0-9]{3})*,[0-9]+$' THEN n := replace(replace(t, '.', ''), ',', '.')::numeric;
        ELSIF t ~ '^-?[0-9]+,[0-9]{1,2}$' THEN n := replace(t, ',', '.')::numeric;
        ELSE RETURN NULL;
        END IF;
        -- Read as numeric first: a number too large for a double is no number, not an error that stops the search.
        IF abs(n) > 1.7976931348623157e308 THEN RETURN NULL; END IF;
        RETURN n::double precision;
      END
      $fn$;
    `,
  },
  {
    version: 4,
    name: 'forgotten folders kept for undo',
    sql: `
      -- As the SQLite store's migration 7: a forgotten folder's items leave the library at once,
      -- their rows (as JSON), tags, albums and vectors wait here until undo or the window ends.
      CREATE TABLE forgotten_folders (
        id bigserial PRIMARY KEY,
        path text NOT NULL,
        added_at bigint NOT NULL,
        forgotten_at bigint NOT NULL,
        photos bigint NOT NULL,
        labels bigint NOT NULL DEFAULT 0,
        complete boolean NOT NULL DEFAULT false
      );
      CREATE TABLE forgotten_items (
        folder_id bigint NOT NULL REFERENCES forgotten_folders(id) ON DELETE CASCADE,
        item_id bigint NOT NULL,
        item jsonb NOT NULL,
        labels jsonb NOT NULL,
        albums jsonb NOT NULL,
        PRIMARY KEY (folder_id, item_id)
      );
      -- Any space's vectors: pgvector's vector without a fixed number of dimensions.
      CREATE TABLE forgotten_vectors (
        folder_id bigint NOT NULL REFERENCES forgotten_folders(id) ON DELETE CASCADE,
        item_id bigint NOT NULL,
        space text NOT NULL,
        generation bigint NOT NULL,
        embedding vector NOT NULL,
        PRIMARY KEY (folder_id, item_id, space)
      );
    `,
  },
];

/** Migrations are applied under an advisory lock, so several processes opening one database at once apply each once. */
const MIGRATION_LOCK = 0x53454d42; // "SEMB"

export async function migrate(client: pg.PoolClient): Promise<number> {
  const newest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;
  // A schema already up to date is opened without writing anything: a read-only replica can serve searches.
  const { rows: table } = await client.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  if (table[0]?.found) {
    const { rows: found } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    if (found[0]?.version === newest) return newest;
  }
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    if (current > newest) throw new Error(`This PostgreSQL database is from a newer Semblance (schema ${current}; this one knows up to ${newest}). Update Semblance to use it.`);
    for (const step of PG_MIGRATIONS.filter((m) => m.version > current)) {
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return newest;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
