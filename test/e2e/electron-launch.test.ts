import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { screenshot } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ELECTRON_PACKAGE = path.join(ROOT, 'node_modules', 'electron');

/** The Electron binary npm start would run, without triggering its download. */
function electronBinary(): string | undefined {
  const pathFile = path.join(ELECTRON_PACKAGE, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const binary = path.join(ELECTRON_PACKAGE, 'dist', fs.readFileSync(pathFile, 'utf8'));
  return fs.existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const version = (JSON.parse(fs.readFileSync(path.join(ELECTRON_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
const sqliteForElectron = path.join(ROOT, 'out', 'electron-native', version, 'better_sqlite3.node');
const skip = !binary
  ? `the Electron binary is absent (${ELECTRON_PACKAGE}/dist): it downloads on the first \`npm start\`, and this machine cannot reach its download server`
  : !fs.existsSync(sqliteForElectron)
    ? `better-sqlite3 for Electron ${version} is not built: run \`npm start\` once (it builds ${sqliteForElectron})`
    : undefined;

test('the desktop app launches: one window with the app, sandboxed, and quits cleanly', { skip, timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const app = await _electron.launch({
    executablePath: binary as string,
    args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, ...testModelEnv(path.join(dir, 'models')), SEMBLANCE_DATA_DIR: path.join(dir, 'data') },
  });
  const window = await app.firstWindow();
  await window.getByRole('heading', { name: 'Find your photos by what is in them' }).waitFor();
  assert.equal(new URL(window.url()).protocol, 'semblance:');
  // The page has the bridge and no Node.
  assert.deepEqual(
    await window.evaluate(() => [typeof (window as { semblance?: unknown }).semblance, typeof (globalThis as { require?: unknown }).require]),
    ['object', 'undefined'],
  );
  await screenshot(window, 'desktop-01-empty-state');
  await app.close();
  assert.ok(fs.existsSync(path.join(dir, 'data', 'library.db')));
});
