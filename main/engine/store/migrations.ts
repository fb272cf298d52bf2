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
  {
    version: 3,
    name: 'bookkeeping in columns; spaces checked by the store',
    up(db) {
      db.exec(`
        -- What Semblance keeps of a product (its catalog, the catalog's folder, the row's id and
        -- hash, its picture or why that failed) and a photo's own caption move out of the
        -- attributes JSON: attributes now hold the user's fields only, exactly as imported.
        ALTER TABLE items ADD COLUMN caption TEXT;
        ALTER TABLE items ADD COLUMN catalog TEXT;
        ALTER TABLE items ADD COLUMN catalog_folder TEXT;
        ALTER TABLE items ADD COLUMN row_id TEXT;
        ALTER TABLE items ADD COLUMN row_hash TEXT;
        ALTER TABLE items ADD COLUMN picture TEXT;
        ALTER TABLE items ADD COLUMN picture_error TEXT;

        UPDATE items SET
            catalog = json_extract(attributes, '$.catalog'),
            catalog_folder = json_extract(attributes, '$.catalogFolder'),
            row_id = json_extract(attributes, '$.id'),
            row_hash = json_extract(attributes, '$.rowHash'),
            picture = json_extract(attributes, '$.image'),
            picture_error = json_extract(attributes, '$.imageError'),
            attributes = json_remove(attributes, '$.catalog', '$.catalogFolder', '$.id', '$.rowHash', '$.image', '$.imageError')
          WHERE kind = 'product' AND attributes IS NOT NULL;
        UPDATE items SET caption = json_extract(attributes, '$.caption'), attributes = json_remove(attributes, '$.caption')
          WHERE kind = 'photo' AND attributes IS NOT NULL;
        UPDATE items SET attributes = NULL WHERE attributes = '{}' AND kind = 'photo';
        CREATE INDEX items_by_catalog ON items(catalog) WHERE catalog IS NOT NULL;

        -- Migration 1 froze the list of spaces in a CHECK, so a new space would need a table
        -- rebuild in every user's file. The store checks names against its table of spaces.
        -- item_vectors refers to spaces by name: the check is deferred while the table is
        -- swapped, and holds again once the rows are back.
        PRAGMA defer_foreign_keys = ON;
        CREATE TEMP TABLE spaces_before AS SELECT * FROM spaces;
        DROP TABLE spaces;
        CREATE TABLE spaces (
          name TEXT PRIMARY KEY,
          model_id TEXT NOT NULL,
          dims INTEGER NOT NULL CHECK (dims > 0),
          generation INTEGER NOT NULL DEFAULT 1,
          updated_at INTEGER NOT NULL
        ) STRICT;
        INSERT INTO spaces SELECT * FROM spaces_before;
        DROP TABLE spaces_before;
      `);
    },
  },
  {
    version: 4,
    name: 'where a photo lives: its device, its change time, its name as bytes',
    up(db) {
      db.exec(`
        -- The device a photo was found on: a folder on another device now (an unmounted drive
        -- leaves its empty mount point behind) is unreachable, not emptied.
        ALTER TABLE items ADD COLUMN device INTEGER;
        -- A failed file is read again when its ctime changes (chmod after "permission denied").
        ALTER TABLE items ADD COLUMN ctime_ms INTEGER;
        -- A file name that is not UTF-8, as the raw bytes of its whole path; path then holds
        -- the same path with those bytes written as \\xHH, for people and for lookups.
        ALTER TABLE items ADD COLUMN path_bytes BLOB;
        CREATE INDEX items_by_error ON items(error) WHERE status = 'error';
      `);
    },
  },
  {
    version: 5,
    name: 'a log of vector changes, so search indexes catch up instead of reloading',
    up(db) {
      db.exec(`
        -- Every vector written or removed, in commit order. A search index (in this process or
        -- another) remembers the last seq it reflects and reads only what came after; its
        -- codes file on disk says the same. Rows up to the floor may be pruned.
        CREATE TABLE vector_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          item_id INTEGER NOT NULL,
          space TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER vector_log_insert AFTER INSERT ON item_vectors
          BEGIN INSERT INTO vector_log (item_id, space) VALUES (new.item_id, new.space); END;
        CREATE TRIGGER vector_log_delete AFTER DELETE ON item_vectors
          BEGIN INSERT INTO vector_log (item_id, space) VALUES (old.item_id, old.space); END;
        CREATE TRIGGER vector_log_update AFTER UPDATE ON item_vectors
          BEGIN
            INSERT INTO vector_log (item_id, space) VALUES (old.item_id, old.space);
            INSERT INTO vector_log (item_id, space) VALUES (new.item_id, new.space);
          END;
        -- This library's identity (so a codes file is never read against another library)
        -- and the log's floor (seq values at or below it may be gone).
        CREATE TABLE index_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
        INSERT INTO index_state (key, value) VALUES ('library_id', lower(hex(randomblob(16)))), ('log_floor', '0');
      `);
    },
  },
  {
    version: 6,
    name: 'catalogs: the mapping each one was imported with, and its last import; products\' role values',
    up(db) {
      db.exec(`
        -- A product's values by role (name, category, colour, price, ...), as the file wrote
        -- them: filters on "category" read the column the catalog's mapping chose.
        ALTER TABLE items ADD COLUMN roles TEXT;
        -- One row per imported catalog: its file, the column mapping used (reused on the next
        -- import, and read by filters on roles such as category), the file's columns, and the
        -- last import's summary with the rows that could not be read.
        CREATE TABLE catalogs (
          name TEXT PRIMARY KEY,
          file TEXT NOT NULL,
          mapping TEXT NOT NULL,
          columns TEXT NOT NULL,
          summary TEXT NOT NULL,
          imported_at INTEGER NOT NULL
        ) STRICT;
        -- Catalogs imported before this version get a row with the columns their products have.
        INSERT INTO catalogs (name, file, mapping, columns, summary, imported_at)
          SELECT catalog, coalesce(max(catalog_folder), ''), '{}',
            coalesce((SELECT json_group_array(DISTINCT key) FROM items i2, json_each(i2.attributes) WHERE i2.catalog = items.catalog), '[]'),
            '{}', 0
          FROM items WHERE catalog IS NOT NULL GROUP BY catalog;
      `);
    },
  },
  {
    version: 7,
    name: 'forgotten folders, kept for undo',
    up(db) {
      db.exec(`
        -- A library folder the user forgot, with what it held: its items' rows and labels (as
        -- JSON, so a later column comes back too) and their current vectors. Undo puts them
        -- back as they were; after the undo window they are purged.
        CREATE TABLE forgotten_folders (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL,
          added_at INTEGER NOT NULL,
          forgotten_at INTEGER NOT NULL,
          photos INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE forgotten_items (
          folder_id INTEGER NOT NULL REFERENCES forgotten_folders(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL,
          item TEXT NOT NULL CHECK (json_valid(item)),
          labels TEXT NOT NULL CHECK (json_valid(labels)),
          PRIMARY KEY (folder_id, item_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE forgotten_vectors (
          folder_id INTEGER NOT NULL,
          item_id INTEGER NOT NULL,
          space TEXT NOT NULL,
          generation INTEGER NOT NULL,
          embedding BLOB NOT NULL,
          PRIMARY KEY (folder_id, item_id, space),
          FOREIGN KEY (folder_id, item_id) REFERENCES forgotten_items(folder_id, item_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 8,
    name: 'label sets kept as definitions, so photos indexed later get them too',
    up(db) {
      db.exec(`
        -- A label set as the user made it: its labels, prompt template and threshold. Items with
        -- an id above applied_through were added after the set last ran over them: the next
        -- index labels them too. A set that tagged nothing is still listed.
        CREATE TABLE label_sets (
          name TEXT PRIMARY KEY,
          labels TEXT NOT NULL CHECK (json_valid(labels)),
          template TEXT NOT NULL,
          threshold REAL NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
          applied_through INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL
        ) STRICT;
        -- Sets applied before this version: the labels they gave (the ones that tagged nothing
        -- are not known), with the default prompt and threshold.
        INSERT INTO label_sets (name, labels, template, threshold, applied_through, updated_at)
          SELECT label_set, json_group_array(DISTINCT label), 'a photo of a {}', 0.5,
            (SELECT coalesce(max(id), 0) FROM items), 0
          FROM labels WHERE label_set <> '' GROUP BY label_set;
      `);
    },
  },
  {
    version: 9,
    name: 'albums: items picked by hand, or a saved query',
    up(db) {
      db.exec(`
        -- An album lists items by id (so it survives moves of their files), or, when query is
        -- set, is a smart album: whatever that query finds when it is opened.
        CREATE TABLE albums (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL COLLATE NOCASE UNIQUE,
          query TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE album_items (
          album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          added_at INTEGER NOT NULL,
          PRIMARY KEY (album_id, item_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX album_items_by_item ON album_items(item_id);
        -- A forgotten folder's photos come back into their albums too.
        ALTER TABLE forgotten_items ADD COLUMN albums TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(albums));
      `);
    },
  },
  {
    version: 10,
    name: 'smart albums of weighted views',
    up(db) {
      db.exec(`
        -- A smart album can also keep a weighted view (look-alikes of an item, substitutes of a
        -- product, with the sliders' weights) as JSON, instead of a query.
        ALTER TABLE albums ADD COLUMN view TEXT CHECK (view IS NULL OR json_valid(view));
      `);
    },
  },
  {
    version: 11,
    name: 'forgetting a folder in steps',
    up(db) {
      db.exec(`
        -- Forgetting copies a folder's items in steps (a job with progress); a folder row is
        -- undoable only once every item is kept. An incomplete one (a crash) is dropped at open.
        ALTER TABLE forgotten_folders ADD COLUMN complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1));
        -- How many tags and labels it keeps, counted once (status lists forgotten folders often).
        ALTER TABLE forgotten_folders ADD COLUMN labels INTEGER NOT NULL DEFAULT 0;
        UPDATE forgotten_folders SET labels = (SELECT coalesce(sum(json_array_length(labels)), 0) FROM forgotten_items i WHERE i.folder_id = forgotten_folders.id);
      `);
    },
  },
  {
    version: 12,
    name: 'perceptual hashes of pictures',
    up(db) {
      db.exec(`
        -- A picture's perceptual hashes (see duplicates/perceptual-hash.ts): the picture turned
        -- 0, 90, 180 and 270 degrees, 16 hex digits each. Keyed by content, as thumbnails are:
        -- identical files share them, a moved file keeps them, nothing is copied.
        CREATE TABLE picture_hashes (
          content_hash TEXT PRIMARY KEY,
          hashes TEXT NOT NULL CHECK (length(hashes) = 64)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 13,
    name: 'duplicates: evidence, checks, dismissals, set-aside files',
    up(db) {
      db.exec(`
        -- What the duplicate checks found between two pictures, by content (a < b): 'photo' is
        -- the same photo (score: hash bits apart), 'look' a visual neighbour (score: the
        -- cosine of centred vectors). Kept, so the Duplicates view reads groups at once.
        CREATE TABLE duplicate_evidence (
          a TEXT NOT NULL,
          b TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('photo', 'look')),
          score REAL NOT NULL,
          PRIMARY KEY (a, b, kind),
          CHECK (a < b)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX duplicate_evidence_b ON duplicate_evidence (b);
        -- The view reads the close pairs without the many merely similar ones.
        CREATE INDEX duplicate_evidence_score ON duplicate_evidence (kind, score);
        -- Pictures already checked against the library: a new one is checked once, at index time.
        CREATE TABLE duplicate_checked (content_hash TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
        -- The library's mean visual vector the checks centred with (one row), and when the whole
        -- library was last checked.
        CREATE TABLE duplicate_scan (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          generation INTEGER NOT NULL,
          mean BLOB NOT NULL,
          scanned_at INTEGER
        ) STRICT;
        -- "Not duplicates": two pictures (by content, a <= b; a = b for identical files) the user
        -- said to keep apart, so no re-index or re-check groups them again.
        CREATE TABLE duplicate_dismissed (
          a TEXT NOT NULL,
          b TEXT NOT NULL,
          at INTEGER NOT NULL,
          PRIMARY KEY (a, b),
          CHECK (a <= b)
        ) STRICT, WITHOUT ROWID;
        -- Files moved out of the library from the Duplicates view (to the trash or a folder),
        -- with their items kept as forgotten folders keep theirs, so undo puts both back.
        CREATE TABLE set_aside_batches (
          id INTEGER PRIMARY KEY,
          action TEXT NOT NULL CHECK (action IN ('trash', 'move')),
          folder TEXT,
          at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE set_aside_items (
          batch_id INTEGER NOT NULL REFERENCES set_aside_batches(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL,
          item TEXT NOT NULL CHECK (json_valid(item)),
          labels TEXT NOT NULL CHECK (json_valid(labels)),
          albums TEXT NOT NULL CHECK (json_valid(albums)),
          moved_to TEXT,
          PRIMARY KEY (batch_id, item_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE set_aside_vectors (
          batch_id INTEGER NOT NULL,
          item_id INTEGER NOT NULL,
          space TEXT NOT NULL,
          generation INTEGER NOT NULL,
          embedding BLOB NOT NULL,
          PRIMARY KEY (batch_id, item_id, space),
          FOREIGN KEY (batch_id, item_id) REFERENCES set_aside_items(batch_id, item_id) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 14,
    name: 'text read in pictures',
    up(db) {
      db.exec(`
        -- What Tesseract read in a picture, by content (copies share it, a moved file keeps it):
        -- the words in reading order, each with its confidence and box ([text, confidence, x0,
        -- y0, x1, y1] in the picture's upright pixels), the turn it was read at, or why it could
        -- not be read. A row with empty text: read, no text in it.
        CREATE TABLE picture_text (
          id INTEGER PRIMARY KEY,
          content_hash TEXT NOT NULL UNIQUE,
          text TEXT NOT NULL,
          words TEXT NOT NULL CHECK (json_valid(words)),
          turned INTEGER NOT NULL DEFAULT 0,
          read_at INTEGER NOT NULL,
          problem TEXT
        ) STRICT;
        -- Exact words, prefixes and phrases, in any language unicode61 splits (accents folded).
        CREATE VIRTUAL TABLE picture_text_fts USING fts5(text, content = 'picture_text', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER picture_text_ai AFTER INSERT ON picture_text BEGIN
          INSERT INTO picture_text_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER picture_text_ad AFTER DELETE ON picture_text BEGIN
          INSERT INTO picture_text_fts (picture_text_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER picture_text_au AFTER UPDATE ON picture_text BEGIN
          INSERT INTO picture_text_fts (picture_text_fts, rowid, text) VALUES ('delete', old.id, old.text);
          INSERT INTO picture_text_fts (rowid, text) VALUES (new.id, new.text);
        END;
      `);
    },
  },
  {
    version: 15,
    name: 'text looked for, and its meaning',
    up(db) {
      db.exec(`
        -- 1: the cheap test (likely-text.ts) saw no line of letters, so the picture was not read;
        -- \`semblance read-text --all\` reads it anyway.
        ALTER TABLE picture_text ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
        -- Every search asks when text was last read (printed-words.ts): the index answers at once.
        CREATE INDEX picture_text_read_at ON picture_text (read_at);
        -- The text read, embedded in the text space (for searches by meaning), with the model
        -- that embedded it: another text model makes it stale, and it is embedded again.
        CREATE TABLE picture_text_vectors (
          content_hash TEXT PRIMARY KEY REFERENCES picture_text(content_hash) ON DELETE CASCADE,
          model TEXT NOT NULL,
          vector BLOB NOT NULL
        ) STRICT, WITHOUT ROWID;
        -- FTS5's list of the words read, for "did you mean" on a misspelt word.
        CREATE VIRTUAL TABLE picture_text_vocab USING fts5vocab(picture_text_fts, 'row');
      `);
    },
  },
  {
    version: 16,
    name: 'maps of the library',
    up(db) {
      db.exec(`
        -- A 2-D layout of one space or a weighted mix (name: "clip", or "mix:clip=0.5,visual=0.3"),
        -- with what it was computed from: each space's model and generation, and where the
        -- vector log stood (a changed model makes it stale; new items since are placed).
        CREATE TABLE map_layouts (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          weights TEXT NOT NULL CHECK (json_valid(weights)),
          models TEXT NOT NULL CHECK (json_valid(models)),
          log_seq INTEGER NOT NULL,
          computed_at INTEGER NOT NULL,
          sampled INTEGER NOT NULL,
          seconds REAL NOT NULL,
          -- The mean the vectors were centred on (float32), to place new ones the same way.
          mean BLOB NOT NULL
        ) STRICT;
        -- placed = 1: put where its nearest laid-out neighbours are, after the layout.
        CREATE TABLE map_points (
          layout_id INTEGER NOT NULL REFERENCES map_layouts(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          x REAL NOT NULL,
          y REAL NOT NULL,
          placed INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (layout_id, item_id)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 17,
    name: 'clusters of the maps, with their names',
    up(db) {
      db.exec(`
        -- Each point's region (a cluster HDBSCAN selected) and leaf (a finer group in it); -1: none.
        ALTER TABLE map_points ADD COLUMN region INTEGER NOT NULL DEFAULT -1;
        ALTER TABLE map_points ADD COLUMN leaf INTEGER NOT NULL DEFAULT -1;
        -- When the layout was clustered (null: laid out before clusters, clustered when next shown),
        -- and the vocabulary its clusters were named with (null: not named yet).
        ALTER TABLE map_layouts ADD COLUMN clustered_at INTEGER;
        ALTER TABLE map_layouts ADD COLUMN named_with TEXT;
        -- A cluster: where its name goes, how large it is, and its names: the vocabulary word
        -- nearest its CLIP centroid (with the probability) and its items' distinctive words.
        CREATE TABLE map_clusters (
          layout_id INTEGER NOT NULL REFERENCES map_layouts(id) ON DELETE CASCADE,
          cluster INTEGER NOT NULL,
          level TEXT NOT NULL CHECK (level IN ('region', 'leaf')),
          parent INTEGER NOT NULL,
          size INTEGER NOT NULL,
          x REAL NOT NULL,
          y REAL NOT NULL,
          radius REAL NOT NULL,
          label TEXT,
          confidence REAL,
          words TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(words)),
          PRIMARY KEY (layout_id, cluster)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 18,
    name: 'faces',
    up(db) {
      db.exec(`
        -- Pictures looked at for faces (by content: copies share them), with how many were found
        -- or why the picture could not be read.
        CREATE TABLE face_scans (
          content_hash TEXT PRIMARY KEY,
          faces INTEGER NOT NULL,
          scanned_at INTEGER NOT NULL,
          problem TEXT
        ) STRICT, WITHOUT ROWID;
        -- A face: its box (fractions of the picture as shown), the detector's score, the second
        -- detector's agreement, its size in pixels, focus and turn, and its 128-d descriptor
        -- (float32): several per picture, the faces space.
        CREATE TABLE faces (
          id INTEGER PRIMARY KEY,
          content_hash TEXT NOT NULL REFERENCES face_scans(content_hash) ON DELETE CASCADE,
          x REAL NOT NULL,
          y REAL NOT NULL,
          width REAL NOT NULL,
          height REAL NOT NULL,
          score REAL NOT NULL,
          agreement REAL NOT NULL,
          size INTEGER NOT NULL,
          sharpness REAL NOT NULL,
          yaw REAL NOT NULL,
          descriptor BLOB NOT NULL
        ) STRICT;
        CREATE INDEX faces_by_content ON faces (content_hash);
      `);
    },
  },
  {
    version: 19,
    name: 'people',
    up(db) {
      db.exec(`
        -- A person: faces grouped as one, named (or not) by the user, hidden from the People view if asked.
        CREATE TABLE people (
          id INTEGER PRIMARY KEY,
          name TEXT,
          hidden INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX people_by_name ON people (name COLLATE NOCASE) WHERE name IS NOT NULL;
        -- Whose face it is, and who said so: the grouping ('auto') or the user ('user': kept as is).
        ALTER TABLE faces ADD COLUMN person_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
        ALTER TABLE faces ADD COLUMN person_by TEXT CHECK (person_by IN ('auto', 'user'));
        CREATE INDEX faces_by_person ON faces (person_id);
        -- "Not this person": the grouping never puts the face with them again.
        CREATE TABLE face_rejections (
          face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
          person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
          PRIMARY KEY (face_id, person_id)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 20,
    name: 'copies in progress',
    up(db) {
      db.exec(`
        -- A copy into this library from another store (PostgreSQL) under way: per source and
        -- table, the last key written in the same transaction as its rows, so a copy stopped
        -- anywhere resumes after it. Empty once the copy is done.
        CREATE TABLE copies_in_progress (
          source TEXT NOT NULL,
          table_name TEXT NOT NULL,
          last_key TEXT,
          done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
          PRIMARY KEY (source, table_name)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
