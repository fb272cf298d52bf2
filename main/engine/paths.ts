import path from 'node:path';
import envPaths from 'env-paths';

/**
 * Where Semblance keeps its data: SEMBLANCE_DATA_DIR if set, else the platform's place for
 * application data (~/.local/share/semblance on Linux, ~/Library/Application Support/semblance
 * on macOS, %LOCALAPPDATA%\semblance\Data on Windows).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['SEMBLANCE_DATA_DIR'];
  if (fromEnv) return path.resolve(fromEnv);
  return envPaths('semblance', { suffix: '' }).data;
}

export function defaultDatabaseFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), 'library.db');
}
