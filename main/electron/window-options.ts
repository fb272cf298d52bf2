import type { BrowserWindowConstructorOptions } from 'electron';

/** The page the window loads: the built UI, through our own scheme, never file:// or http. */
export const APP_URL = 'semblance://app/index.html';

/**
 * The window's settings. The page gets no Node: it runs sandboxed and isolated, and reaches
 * main only through the preload's FinderApi bridge. A packaged build has no DevTools.
 */
export function mainWindowOptions(preloadFile: string, dark: boolean, packaged: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Semblance',
    show: false, // shown on ready-to-show: no white flash before the first paint
    backgroundColor: dark ? '#16181d' : '#f7f7f8',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !packaged,
    },
  };
}
