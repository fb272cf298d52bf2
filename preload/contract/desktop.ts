/** The desktop app's own part: native dialogs, the file manager, IPC channel names, the preload bridge. */
import type { ApiResult, FinderEvent, FinderMethod } from './api.js';
import { EmptyRequestSchema, ItemRequestSchema, StartDragRequestSchema } from './schemas.js';

/** Things only the desktop app can do: native dialogs, the file manager, the default app. */
export const DESKTOP_SCHEMAS = {
  pickFolders: EmptyRequestSchema,
  pickCatalog: EmptyRequestSchema,
  reveal: ItemRequestSchema,
  startDrag: StartDragRequestSchema,
  openItem: ItemRequestSchema,
} as const;
export type DesktopMethod = keyof typeof DESKTOP_SCHEMAS;

export interface DesktopApi {
  /** Native folder chooser; [] when cancelled. */
  pickFolders(): Promise<string[]>;
  /** Native file chooser for a catalog (CSV, TSV, JSON, JSONL); null when cancelled. */
  pickCatalog(): Promise<string | null>;
  /** Drags items' files out of the window (to the file manager, a mail...). */
  startDrag(request: { ids: number[] }): Promise<null>;
  /** Shows the item's file in the system file manager. */
  reveal(request: { id: number }): Promise<null>;
  /** Opens the item's file with the system's default app. */
  openItem(request: { id: number }): Promise<null>;
}

/** IPC channel names, shared by the preload and the router in main. */
export const IPC = { call: 'semblance:call', desktop: 'semblance:desktop', event: 'semblance:event' } as const;

/**
 * What the Electron preload puts on `window.semblance`: each call returns an ApiResult, as
 * over HTTP, so both bridges fail the same way.
 */
export interface PreloadBridge {
  call(method: FinderMethod, payload: unknown): Promise<ApiResult<unknown>>;
  desktop(method: DesktopMethod, payload: unknown): Promise<ApiResult<unknown>>;
  /** Subscribes to FinderEvents; returns the unsubscribe function. */
  subscribe(listener: (event: FinderEvent) => void): () => void;
  /** The file path of a dropped file or folder (Electron's webUtils); null when unknown. */
  pathForFile(file: unknown): string | null;
}
