// better-sqlite3 for Electron: built from node_modules' source into out/electron-native/<version>/,
// so node_modules keeps the build plain Node uses (tests, the CLI). The other native modules
// (sharp, onnxruntime-node) use Node-API, which Electron loads as they are.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function electronVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** out/electron-native/<version>/better_sqlite3.node, built if missing; throws with the reason. */
export function ensureElectronSqlite(version = electronVersion(), arch = process.arch) {
  const target = path.join(ROOT, 'out', 'electron-native', version, 'better_sqlite3.node');
  if (fs.existsSync(target)) return target;
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = path.join(ROOT, 'out', 'electron-native', 'build');
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(source, work, { recursive: true, filter: (file) => !file.includes(`${path.sep}build${path.sep}`) });
  console.log(`Building better-sqlite3 for Electron ${version} (once; about a minute)…`);
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  // Electron's headers, never this Node's: an npm `nodedir` setting would make node-gyp build
  // for Node's ABI, which Electron refuses to load.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'));
  const built = spawnSync(
    process.execPath,
    [gyp, 'rebuild', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers', '--release'],
    { cwd: work, stdio: 'inherit', env },
  );
  if (built.status !== 0) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error('Could not build better-sqlite3 for Electron (node-gyp needs Electron\'s headers from electronjs.org and a C++ toolchain).');
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  fs.rmSync(work, { recursive: true, force: true });
  return target;
}

/** The Electron binary, downloading it on first use; undefined (with the reason printed) if it cannot be had. */
export function electronBinary() {
  const pathFile = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathFile)) console.log('Getting Electron (a download of about 100 MB, once)…');
  // The electron package downloads its binary when first asked for its path.
  const found = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: ROOT, encoding: 'utf8' });
  const file = found.status === 0 ? found.stdout.trim() : '';
  if (file && fs.existsSync(file)) return file;
  const reason = /^\w*Error: .*$/m.exec(found.stderr ?? '')?.[0] ?? 'unknown error';
  console.error(`Getting Electron failed: ${reason}`);
  return undefined;
}

/**
 * The desktop app's tools (Electron 45's installer, electron-builder's @electron/rebuild)
 * declare Node.js 22.12 or newer; the CLI, web mode and the tests run on Node 20. On an
 * older Node, say so before anything half-works, and point to what does.
 */
export function desktopNodeProblem(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return null;
  return [
    `The desktop app needs Node.js 22.12 or newer (Electron 45 and its build tools require it); this is Node.js ${version}.`,
    'Install Node.js 22 or 24 LTS to run it. Everything else works on this Node: `npx semblance serve` is the same app in',
    'your browser, and `npx semblance --help` lists the command line.',
  ].join('\n');
}
