// The preload: runs sandboxed before the page, and gives it window.semblance, the only way it
// reaches main. It exposes calls by method name (main validates each payload against the
// contract and checks the sender) and event subscriptions; never ipcRenderer itself.
// A sandboxed preload can require only 'electron', so the channel names are spelled out here;
// `satisfies` makes the compiler hold them to the contract's.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS
import electron = require('electron');
import type { DesktopMethod, FinderEvent, FinderMethod, IPC, PreloadBridge } from './contract.js';

const CHANNELS = { call: 'semblance:call', desktop: 'semblance:desktop', event: 'semblance:event' } as const satisfies typeof IPC;

const bridge: PreloadBridge = {
  call: (method: FinderMethod, payload: unknown) => electron.ipcRenderer.invoke(CHANNELS.call, method, payload),
  desktop: (method: DesktopMethod, payload: unknown) => electron.ipcRenderer.invoke(CHANNELS.desktop, method, payload),
  subscribe(listener: (event: FinderEvent) => void) {
    const handler = (_event: electron.IpcRendererEvent, message: FinderEvent): void => listener(message);
    electron.ipcRenderer.on(CHANNELS.event, handler);
    return () => {
      electron.ipcRenderer.off(CHANNELS.event, handler);
    };
  },
  pathForFile(file: unknown) {
    try {
      const found = electron.webUtils.getPathForFile(file as File);
      return found === '' ? null : found;
    } catch {
      return null;
    }
  },
};

electron.contextBridge.exposeInMainWorld('semblance', bridge);
