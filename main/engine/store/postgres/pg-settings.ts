import type { SettingsStore } from '../library-store.js';
import type { PgStore } from './pg-store.js';

/** The user's choices on PostgreSQL, stored as the SQLite store stores them (JSON text by key), so a copy either way keeps them. */
export class PgSettings implements SettingsStore {
  constructor(private readonly store: PgStore) {}

  async getSetting(key: string): Promise<unknown> {
    const { rows } = await this.store.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0] ? (JSON.parse(rows[0].value) as unknown) : undefined;
  }

  /**
   * Reads, changes and writes one setting in a transaction that holds it: two processes
   * saving presets at once each keep theirs (the second reads what the first wrote).
   */
  async updateSetting(key: string, change: (stored: unknown) => unknown): Promise<unknown> {
    return this.store.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('semblance setting ' || $1))", [key]);
      const { rows } = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      const value = change(rows[0] ? (JSON.parse(rows[0].value) as unknown) : undefined);
      await client.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [key, JSON.stringify(value), Date.now()],
      );
      await this.store.noteLibraryChange(client);
      return value;
    });
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.store.transaction(async (client) => {
      await client.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [key, JSON.stringify(value), Date.now()],
      );
      await this.store.noteLibraryChange(client);
    });
  }
}
