import type { Database } from 'better-sqlite3';

/**
 * Numbered schema migrations. `PRAGMA user_version` holds the number of the last one
 * applied; each runs in its own transaction together with the bump of user_version, so a
 * crash leaves the database at the previous version, never between two.
 *
 * Never edit a migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'roots, items, spaces, item vectors, labels',
    up(db) {
      db.exec(`
        CREATE TABLE roots (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          online INTEGER NOT NULL DEFAULT 1 CHECK (online IN (0, 1)),
          added_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('photo', 'product')),
          root_id INTEGER REFERENCES roots(id) ON DELETE CASCADE,
          path TEXT,
          catalog_key TEXT,
          content_hash TEXT,
          size INTEGER,
          mtime_ms INTEGER,
          width INTEGER,
          height INTEGER,
          taken_at INTEGER,
          title TEXT,
          attributes TEXT CHECK (attributes IS NULL OR json_valid(attributes)),
          status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error', 'offline')),
          error TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          CHECK (path IS NOT NULL OR catalog_key IS NOT NULL)
        ) STRICT;
        CREATE UNIQUE INDEX items_by_path ON items(path) WHERE path IS NOT NULL;
        CREATE UNIQUE INDEX items_by_catalog_key ON items(catalog_key) WHERE catalog_key IS NOT NULL;
        CREATE INDEX items_by_hash ON items(content_hash);
        CREATE INDEX items_by_root ON items(root_id);
        CREATE INDEX items_by_status ON items(status, updated_at);

        -- Which model fills each space. Vectors live in one vec0 table per space
        -- (vec_<space>), created when the space gets its first model.
        CREATE TABLE spaces (
          name TEXT PRIMARY KEY CHECK (name IN ('clip', 'visual', 'text', 'colour')),
          model_id TEXT NOT NULL,
          dims INTEGER NOT NULL CHECK (dims > 0),
          generation INTEGER NOT NULL DEFAULT 1,
          updated_at INTEGER NOT NULL
        ) STRICT;

        -- One row per stored vector: the generation of the space's model that made it.
        -- A vector whose generation is behind its space's is stale and kept out of search.
        CREATE TABLE item_vectors (
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          space TEXT NOT NULL REFERENCES spaces(name),
          generation INTEGER NOT NULL,
          PRIMARY KEY (item_id, space)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX item_vectors_by_space ON item_vectors(space, generation);

        -- Labels with confidence: user tags (label_set '') and zero-shot label sets.
        CREATE TABLE labels (
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          label_set TEXT NOT NULL DEFAULT '',
          label TEXT NOT NULL,
          confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
          PRIMARY KEY (item_id, label_set, label)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX labels_by_label ON labels(label, item_id);
      `);
    },
  },
  {
    version: 2,
    name: 'settings',
    up(db) {
      db.exec(`
        -- The user's choices (models per space, later: theme, excluded folders), as JSON values.
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL CHECK (json_valid(value)),
          updated_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
