#!/usr/bin/env node
// `npm run dist [-- electron-builder options]`: builds, makes better-sqlite3 for Electron, packages.
// The Electron build of better-sqlite3 goes into the package's resources/native (see
// electron-builder.yml), so node_modules stays as plain Node needs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, desktopNodeProblem, electronVersion, ensureElectronSqlite } from './electron-native.js';

const tooOld = desktopNodeProblem();
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const shell = process.platform === 'win32';
if (spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit', shell }).status !== 0) process.exit(1);
const version = electronVersion();
let binding;
try {
  binding = ensureElectronSqlite(version);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const staged = path.join(ROOT, 'out', 'package-native');
fs.rmSync(staged, { recursive: true, force: true });
fs.mkdirSync(staged, { recursive: true });
fs.copyFileSync(binding, path.join(staged, 'better_sqlite3.node'));
const builder = spawnSync(npm, ['exec', '--', 'electron-builder', '--config', 'electron-builder.yml', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', shell });
process.exit(builder.status ?? 1);
