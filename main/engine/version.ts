import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The package version, read once from package.json (two folders above out/main/engine). */
export const VERSION: string = (require('../../../package.json') as { version: string }).version;
