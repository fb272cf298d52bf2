import { pathToFileURL } from 'node:url';
import type * as ElectronModule from 'electron';
import { IPC, type FinderEvent } from '../../preload/contract.js';
import { Session, type SessionOptions } from '../app/session.js';
import { toApiError } from '../engine/errors.js';
import { appMenu } from './app-menu.js';
import { SCHEME, SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.js';
import { desktopActions } from './desktop-actions.js';
import { registerIpc, trustedSender } from './ipc-router.js';
import { denyPermissions, hardenContents } from './security.js';
import { APP_URL, mainWindowOptions } from './window-options.js';

/** The parts of Electron the shell uses; tests hand in fakes. */
export type ElectronApi = Pick<
  typeof ElectronModule,
  'app' | 'BrowserWindow' | 'protocol' | 'ipcMain' | 'dialog' | 'shell' | 'Menu' | 'net' | 'session' | 'nativeTheme'
>;

export interface DesktopAppOptions {
  session: Pick<SessionOptions, 'databaseFile' | 'env'>;
  rendererDir: string;
  preloadFile: string;
}

export interface DesktopApp {
  /** Resolves once the window is made (undefined when another instance had the lock, or start failed). */
  ready: Promise<{ session: Session; window: ElectronModule.BrowserWindow } | undefined>;
}

const APP_ORIGIN = `${SCHEME}://app`;

/**
 * The Electron main process: one window over one Session. Everything it does that the page
 * asks for goes through the checked IPC router; pictures come through semblance:// by id.
 */
export function startDesktopApp(electron: ElectronApi, options: DesktopAppOptions): DesktopApp {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(undefined) };
  }
  electron.protocol.registerSchemesAsPrivileged([SCHEME_PRIVILEGES]);

  let window: ElectronModule.BrowserWindow | undefined;
  let session: Session | undefined;
  let closing: Promise<void> | undefined;
  let closed = false;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  // Close the library before the process ends: watchers stopped, the job cancelled after its
  // batches in flight are written, the database closed.
  app.on('before-quit', (event) => {
    if (closed || !session) return;
    event.preventDefault();
    closing ??= session.close().finally(() => {
      closed = true;
      app.quit();
    });
  });

  const ready = app.whenReady().then(() => {
    try {
      session = Session.open(options.session);
    } catch (error) {
      electron.dialog.showErrorBox('Semblance cannot open its library', toApiError(error).message);
      app.exit(1);
      return undefined;
    }
    const library = session;
    electron.protocol.handle(
      SCHEME,
      appProtocolHandler(library.engine, options.rendererDir, (file) => electron.net.fetch(pathToFileURL(file).href)),
    );
    denyPermissions(electron.session.defaultSession);

    const desktop = desktopActions({ dialog: electron.dialog, shell: electron.shell, window: () => window, files: library.engine });
    registerIpc(electron.ipcMain, {
      api: library.api,
      desktop,
      isTrusted: (event) => trustedSender(event, () => window?.webContents, APP_ORIGIN),
    });

    const win = new electron.BrowserWindow(mainWindowOptions(options.preloadFile, electron.nativeTheme.shouldUseDarkColors, electron.app.isPackaged));
    window = win;
    hardenContents(win.webContents, (url) => void electron.shell.openExternal(url), APP_ORIGIN);
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => (window = undefined));
    const forward = (event: FinderEvent): void => {
      if (window && !window.webContents.isDestroyed()) window.webContents.send(IPC.event, event);
    };
    library.subscribe(forward);

    const report = (error: unknown): void => forward({ type: 'problem', message: toApiError(error).message });
    electron.Menu.setApplicationMenu(
      electron.Menu.buildFromTemplate(
        appMenu(
          {
            addFolders: () => {
              desktop
                .pickFolders()
                .then((paths) => (paths.length > 0 ? library.api.index({ paths }) : undefined))
                .catch(report);
            },
            importCatalog: () => {
              desktop
                .pickCatalog()
                // The window shows the file's columns first, so the user can check what each one is.
                .then((file) => file && forward({ type: 'open-catalog', file }))
                .catch(report);
            },
          },
          process.platform,
          electron.app.isPackaged,
        ),
      ),
    );
    void win.loadURL(APP_URL);
    return { session: library, window: win };
  });
  return { ready };
}
