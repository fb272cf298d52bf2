#!/usr/bin/env node
// `npm start`: opens the desktop app once its Electron shell is part of this version.
// Until then it says so plainly and points at what works today: the command line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shell = path.join(root, 'out', 'main', 'electron', 'main.js');
if (!fs.existsSync(shell)) {
  console.error(
    [
      'The desktop window is not part of this version of Semblance yet.',
      'What works today is the command line, for example:',
      '  npx semblance status',
      '  npx semblance --help',
    ].join('\n'),
  );
  process.exit(1);
}
