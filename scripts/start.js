#!/usr/bin/env node
// `npm start`: builds, makes sure Electron and its better-sqlite3 are here, opens the app.
// Where Electron cannot be downloaded, it says so and points to web mode.
import { spawn, spawnSync } from 'node:child_process';
import { ROOT, desktopNodeProblem, electronBinary, ensureElectronSqlite } from './electron-native.js';

const tooOld = desktopNodeProblem();
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}

const WEB_MODE = [
  'Semblance works without the desktop window too: run',
  '  npx semblance serve',
  'and open the address it prints in your browser.',
].join('\n');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' }).status !== 0) process.exit(1);

const electron = electronBinary();
if (!electron) {
  console.error(`\nThe Electron binary is not here and could not be downloaded (is this computer offline?).\n${WEB_MODE}`);
  process.exit(1);
}
try {
  ensureElectronSqlite();
} catch (error) {
  console.error(`\n${error.message}\n${WEB_MODE}`);
  process.exit(1);
}
const app = spawn(electron, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
