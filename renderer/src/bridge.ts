import type { FinderApi } from '../../preload/contract.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser (web mode). */
    semblance?: FinderApi;
  }
}

/**
 * The FinderApi the UI talks to. In the desktop app the preload exposes it on window; in web
 * mode (`semblance serve`) the page is served with no preload, and the HTTP bridge is used.
 */
export function desktopBridge(): FinderApi | undefined {
  return typeof window === 'undefined' ? undefined : window.semblance;
}
