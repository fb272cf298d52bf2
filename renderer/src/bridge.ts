import type { ApiError, ApiResult, DesktopApi, DesktopMethod, FinderApi, FinderEvent, FinderMethod, PreloadBridge } from '../../preload/contract.js';
import { httpTransport } from './http-bridge.js';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser (web mode). */
    semblance?: PreloadBridge;
  }
}

/** A failed call, as main described it. */
export class BridgeError extends Error {
  readonly code: ApiError['code'];
  /** Where a malformed query goes wrong, and what is wrong without where. */
  readonly at: number | undefined;
  readonly reason: string | undefined;
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.at = error.at;
    this.reason = error.reason;
  }
}

/** Web mode's link to its server: answering, not answering, or answering to a newer token only. */
export type ConnectionState = 'ok' | 'lost' | 'new-token';

/** How calls and events travel: Electron IPC through the preload, or HTTP in web mode. */
export interface Transport {
  call(method: FinderMethod, payload: unknown): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: FinderEvent) => void): () => void;
  pictureUrl(kind: 'thumb' | 'original' | 'preview', id: number): string;
  desktop?: (method: DesktopMethod, payload: unknown) => Promise<ApiResult<unknown>>;
  pathForFile?: (file: File) => string | null;
  onConnection?: (listener: (state: ConnectionState) => void) => () => void;
}

/** What the UI holds: the FinderApi (throwing BridgeError), events, picture URLs, desktop extras. */
export interface Bridge {
  mode: 'desktop' | 'web';
  api: FinderApi;
  subscribe(listener: (event: FinderEvent) => void): () => void;
  thumbUrl(id: number): string;
  originalUrl(id: number): string;
  /** The viewer's picture: the original, or a bounded copy once `api.preview` made one. */
  previewUrl(id: number): string;
  /** Native dialogs, file manager, default app: only in the desktop app. */
  desktop: DesktopApi | null;
  /** A dropped folder's path (desktop only). */
  pathForFile(file: File): string | null;
  /** Web mode: the server lost and found again (the desktop app's main process cannot be lost). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

function unwrap<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new BridgeError(result.error);
  return result.value as T;
}

/** Turns a transport into typed APIs: api.search({...}) instead of call('search', {...}). */
export function bridgeOver(transport: Transport, mode: Bridge['mode']): Bridge {
  const api = new Proxy({} as FinderApi, {
    get: (_target, method: string) => async (payload?: unknown) => unwrap(await transport.call(method as FinderMethod, payload ?? {})),
  });
  const desktopCall = transport.desktop;
  const desktop = desktopCall
    ? new Proxy({} as DesktopApi, {
        get: (_target, method: string) => async (payload?: unknown) => unwrap(await desktopCall(method as DesktopMethod, payload ?? {})),
      })
    : null;
  return {
    mode,
    api,
    subscribe: (listener) => transport.subscribe(listener),
    thumbUrl: (id) => transport.pictureUrl('thumb', id),
    originalUrl: (id) => transport.pictureUrl('original', id),
    previewUrl: (id) => transport.pictureUrl('preview', id),
    desktop,
    pathForFile: (file) => transport.pathForFile?.(file) ?? null,
    onConnection: (listener) => transport.onConnection?.(listener) ?? (() => {}),
  };
}

/** The desktop app's preload if there is one, else HTTP to the server that served this page. */
export function connect(): Bridge {
  const preload = window.semblance;
  if (preload) {
    return bridgeOver(
      {
        call: (method, payload) => preload.call(method, payload),
        subscribe: (listener) => preload.subscribe(listener),
        pictureUrl: (kind, id) => `semblance://${kind}/${id}`,
        desktop: (method, payload) => preload.desktop(method, payload),
        pathForFile: (file) => preload.pathForFile(file),
      },
      'desktop',
    );
  }
  return bridgeOver(httpTransport(window.location, window.history, window.sessionStorage), 'web');
}
