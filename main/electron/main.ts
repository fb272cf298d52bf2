// The desktop app's entry: Electron runs this file (package.json "main").
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, nativeTheme, net, protocol, session, shell } from 'electron';
import { RENDERER_DIR } from '../app/renderer-dir.js';
import { defaultDatabaseFile } from '../engine/paths.js';
import { startDesktopApp } from './desktop-app.js';
import { electronSqliteBinding } from './native-modules.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binding = electronSqliteBinding(app.isPackaged, process.resourcesPath, process.versions.electron ?? '');
if (binding) process.env.SEMBLANCE_SQLITE_BINDING = binding;

startDesktopApp(
  { app, BrowserWindow, Menu, dialog, ipcMain, nativeTheme, net, protocol, session, shell },
  {
    session: { databaseFile: defaultDatabaseFile(process.env), env: process.env },
    rendererDir: RENDERER_DIR,
    preloadFile: path.resolve(here, '../../preload/preload.cjs'),
  },
);
