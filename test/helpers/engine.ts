import path from 'node:path';
import { Engine } from '../../main/engine/engine.js';
import { tempDir } from './temp-dir.js';
import { peek } from './peek.js';

/** An engine on a fresh database in a temporary folder, closed when the test ends. */
export function tempEngine(t: { after(fn: () => void): void }): Engine {
  const engine = Engine.open({ databaseFile: path.join(tempDir(t), 'library.db') });
  t.after(() => engine.close());
  return engine;
}

export function countRows(engine: Engine, sql: string): number {
  return peek(engine).prepare(sql).pluck().get() as number;
}
