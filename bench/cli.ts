import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { COLOUR_DIMS, COLOUR_MODEL_ID } from '../main/engine/embed/colour-descriptor.js';
import { Engine } from '../main/engine/engine.js';
import { modelKey, resolveModelConfig } from '../main/engine/models/registry.js';
import type { ItemWrite } from '../main/engine/store/store.js';
import { percentile } from './stats.js';

export interface CliBenchResult {
  items: number;
  /** Wall time of each command, process start to exit, p50 of `runs` (ms). */
  bareNode: number;
  help: number;
  status: number;
  colourSearch: number;
  textSearch: number | null;
  runs: number;
}

/**
 * One-shot commands as a script would run them: a fresh `semblance` process per command on
 * a library of `items` photos (colour vectors, and CLIP vectors when a text model is given),
 * with the OS cache warm (one untimed run first, which also writes the codes files).
 */
export async function benchCli(options: { repo: string; dir: string; items: number; clipTextModel?: string; log: (line: string) => void }): Promise<CliBenchResult> {
  const { items, log } = options;
  const databaseFile = path.join(options.dir, `cli-${items}.db`);
  const env: NodeJS.ProcessEnv = {
    SEMBLANCE_MODELS_DIR: path.join(options.dir, 'models'),
    SEMBLANCE_OFFLINE: '1',
    ...(options.clipTextModel ? { SEMBLANCE_MODEL_CLIP: options.clipTextModel, SEMBLANCE_DTYPE_CLIP: 'q8' } : {}),
  };
  const engine = Engine.open({ databaseFile, env });
  engine.store.setSpaceModel('colour', COLOUR_MODEL_ID, COLOUR_DIMS);
  const clip = options.clipTextModel ? resolveModelConfig(env).specs.clip : undefined;
  if (clip) engine.store.setSpaceModel('clip', modelKey(clip), 512);
  let state = 7;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let start = 0; start < items; start += 1000) {
    const writes: ItemWrite[] = [];
    for (let i = start; i < Math.min(items, start + 1000); i++) {
      // A colour histogram has a few filled bins; CLIP vectors are dense.
      const colour = Float32Array.from({ length: COLOUR_DIMS }, () => (random() < 0.08 ? random() : 0));
      colour[i % COLOUR_DIMS] = 0.5;
      writes.push({
        item: { kind: 'photo', path: `/bench/cli/${i}.jpg` },
        vectors: { colour, ...(clip ? { clip: Float32Array.from({ length: 512 }, () => random() - 0.5) } : {}) },
      });
    }
    engine.store.writeItems(writes);
  }
  await engine.close();

  const bin = path.join(options.repo, 'bin', 'semblance.js');
  const runs = 7;
  const time = (args: string[], what: string): number => {
    const once = (): number => {
      const start = performance.now();
      const child = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${what} failed: ${child.stderr}`);
      return performance.now() - start;
    };
    once();
    return percentile(Array.from({ length: runs }, once), 50);
  };
  const result: CliBenchResult = {
    items,
    bareNode: time(['-e', '0'], 'node'),
    help: time([bin, '--help'], '--help'),
    status: time([bin, '--db', databaseFile, 'status'], 'status'),
    colourSearch: time([bin, '--db', databaseFile, 'search', 'colour:red', '--k', '20'], 'colour search'),
    textSearch: clip ? time([bin, '--db', databaseFile, 'search', 'a red car at night', '--k', '20'], 'text search') : null,
    runs,
  };
  log(
    `  one-shot commands, process start to exit (p50 of ${runs}, warm OS cache): bare node ${result.bareNode.toFixed(0)} ms; ` +
      `--help ${result.help.toFixed(0)} ms; status ${result.status.toFixed(0)} ms; search colour:red ${result.colourSearch.toFixed(0)} ms` +
      (result.textSearch !== null ? `; search "a red car at night" (ViT-B/32 text q8) ${result.textSearch.toFixed(0)} ms` : ''),
  );
  return result;
}
