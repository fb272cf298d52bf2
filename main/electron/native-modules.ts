import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm start` builds better-sqlite3 for Electron's ABI (out/electron-native/<version>/). */
export const DEV_NATIVE_DIR = fileURLToPath(new URL('../../electron-native/', import.meta.url));
export const SQLITE_BINDING = 'better_sqlite3.node';

/**
 * better-sqlite3 is the one native module without a stable ABI, so Electron needs its own
 * build of it. It lives apart from node_modules (plain Node keeps using the one there):
 * in the package's resources, or where `npm start` built it. Undefined: use node_modules'.
 */
export function electronSqliteBinding(packaged: boolean, resourcesPath: string, electronVersion: string): string | undefined {
  const file = packaged ? path.join(resourcesPath, 'native', SQLITE_BINDING) : path.join(DEV_NATIVE_DIR, electronVersion, SQLITE_BINDING);
  return fs.existsSync(file) ? file : undefined;
}
