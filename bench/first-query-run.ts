/**
 * A fresh process's first query: opens the library, answers one 3-space query, prints how
 * long after its own start the answer came and how each space loaded. Reads
 * {databaseFile, terms} as JSON on stdin.
 */
import type { VectorTerm } from '../preload/contract.js';
import { Engine } from '../main/engine/engine.js';
import { readStdinJson } from './child-process.js';

const { databaseFile, terms } = await readStdinJson<{ databaseFile: string; terms: VectorTerm[] }>();
const opened = performance.now();
const engine = Engine.open({ databaseFile });
await engine.searchVectors({ terms, k: 20 });
// performance.now() counts from this process's start: Node's bootstrap and imports included.
const answeredMs = performance.now();
const loads = engine.vectorIndex.loads.map((l) => `${l.space} from the ${l.from}${l.problem ? ` (${l.problem})` : ''} ${l.ms.toFixed(0)} ms`);
await engine.close();
process.stdout.write(`${JSON.stringify({ answeredMs, afterOpenMs: answeredMs - opened, loads })}\n`);
