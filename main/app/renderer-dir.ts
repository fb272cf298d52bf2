import { fileURLToPath } from 'node:url';

/** The built UI (vite writes it to out/renderer; this file compiles to out/main/app). */
export const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
