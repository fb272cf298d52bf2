import type { Connection } from './connection.js';

/** The user's choices as JSON values by key; the settings service gives them types. */
export function getSetting(sql: Connection, key: string): unknown {
  const value = sql.stmt('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  return value === undefined ? undefined : (JSON.parse(value) as unknown);
}

export function setSetting(sql: Connection, key: string, value: unknown): void {
  sql
    .stmt(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(key, JSON.stringify(value), Date.now());
}
