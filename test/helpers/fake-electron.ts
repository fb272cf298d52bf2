import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ElectronApi } from '../../main/electron/desktop-app.js';

type Handler = (...args: unknown[]) => unknown;

/** A stand-in for the parts of Electron the shell uses, recording what the shell did with them. */
export class FakeWebContents extends EventEmitter {
  readonly mainFrame: { url: string };
  readonly sent: { channel: string; message: unknown }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;
  constructor(url: string) {
    super();
    this.mainFrame = { url };
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static made: FakeBrowserWindow[] = [];
  readonly options: Record<string, unknown>;
  readonly webContents = new FakeWebContents('semblance://app/index.html');
  loaded: string | undefined;
  shown = false;
  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.made.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

export interface FakeElectron {
  electron: ElectronApi;
  app: EventEmitter & { quits: number; exits: number[]; gotLock: boolean };
  ipcHandlers: Map<string, Handler>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  privileged: unknown[];
  menu: unknown;
  opened: { reveal: string[]; open: string[]; external: string[] };
  permissionRequests: boolean[];
  dialogPaths: string[];
}

export function fakeElectron(options: { gotLock?: boolean } = {}): FakeElectron {
  FakeBrowserWindow.made = [];
  const app = Object.assign(new EventEmitter(), { quits: 0, exits: [] as number[], gotLock: options.gotLock ?? true, isPackaged: false });
  const ready = Promise.resolve();
  const fake: FakeElectron = {
    app,
    ipcHandlers: new Map(),
    protocolHandlers: new Map(),
    privileged: [],
    menu: undefined,
    opened: { reveal: [], open: [], external: [] },
    permissionRequests: [],
    dialogPaths: [],
    electron: undefined as unknown as ElectronApi,
  };
  const electron = {
    app: Object.assign(app, {
      requestSingleInstanceLock: () => app.gotLock,
      whenReady: () => ready,
      quit: () => {
        app.quits++;
        // Electron asks before-quit listeners first; one may prevent the quit.
        let prevented = false;
        app.emit('before-quit', { preventDefault: () => (prevented = true) });
        if (!prevented) app.emit('quit');
      },
      exit: (code: number) => app.exits.push(code),
    }),
    BrowserWindow: FakeBrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => fake.privileged.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => fake.protocolHandlers.set(scheme, handler),
    },
    ipcMain: { handle: (channel: string, handler: Handler) => fake.ipcHandlers.set(channel, handler) },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: fake.dialogPaths.length === 0, filePaths: fake.dialogPaths }),
      showErrorBox: () => undefined,
    },
    shell: {
      showItemInFolder: (file: string) => fake.opened.reveal.push(file),
      openPath: (file: string) => {
        fake.opened.open.push(file);
        return Promise.resolve('');
      },
      openExternal: (url: string) => {
        fake.opened.external.push(url);
        return Promise.resolve();
      },
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => (fake.menu = menu) },
    // Electron's net.fetch reads file:// URLs; so does this one.
    net: {
      fetch: async (url: string) => {
        const file = fileURLToPath(url);
        return new Response(await fs.promises.readFile(file), { headers: { 'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' } });
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (c: unknown, p: string, callback: (ok: boolean) => void) => void) =>
          handler(undefined, 'media', (ok) => fake.permissionRequests.push(ok)),
        setPermissionCheckHandler: () => undefined,
      },
    },
    nativeTheme: { shouldUseDarkColors: false },
  };
  fake.electron = electron as unknown as ElectronApi;
  return fake;
}
