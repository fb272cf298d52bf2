/**
 * The FinderApi: the one API behind every front door (CLI, HTTP server, Electron IPC).
 *
 * It lives in `contract/` in four parts: the vocabulary (spaces, kinds, limits, presets),
 * the request schemas, the answers' types, the method table (api.ts), and the desktop
 * app's own part. They hold types and schemas only and are compiled on their own with no
 * Node, DOM or Electron types (tsconfig.contract.json), so the renderer, the preload and
 * the main process can all import them without dragging a runtime along.
 */
export * from './contract/vocabulary.js';
export * from './contract/schemas.js';
export * from './contract/responses.js';
export * from './contract/api.js';
export * from './contract/desktop.js';
