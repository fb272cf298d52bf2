import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('the lint rules keep the layers apart', async () => {
  assert.deepEqual(await lintAs('main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n"), [
    "'electron' import is restricted from being used. main/engine is plain Node: it never imports electron.",
  ]);
  assert.equal((await lintAs('main/engine/x.ts', "import { run } from '../cli/main.js';\nexport const a = run;\n")).length, 1);
  assert.equal((await lintAs('renderer/src/x.ts', "import { Engine } from '../../main/engine/engine.js';\nexport const a = Engine;\n")).length, 1);
  assert.equal((await lintAs('preload/contract.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).length, 1);
  // Allowed directions raise nothing.
  assert.deepEqual(await lintAs('main/cli/x.ts', "import { Engine } from '../engine/engine.js';\nexport const a = Engine;\n"), []);
  assert.deepEqual(await lintAs('preload/contract.ts', "import { z } from 'zod';\nexport const a = z;\n"), []);
});
