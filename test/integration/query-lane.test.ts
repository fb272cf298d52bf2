import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { EmbedPool } from '../../main/engine/embed/embed-pool.js';
import { resolveModelConfig } from '../../main/engine/models/registry.js';
import { libraryEngine, writePhotos } from '../helpers/library.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testModelEnv } from '../helpers/test-models.js';

test('a text query is answered while a folder is indexing, ahead of the batches the job has queued', async (t) => {
  const dir = tempDir(t);
  const engine = libraryEngine(t, dir);
  const folder = path.join(dir, 'photos');
  await writePhotos(folder, 160, 'photo', 0, { width: 640, height: 480 });
  await writePhotos(path.join(dir, 'first'), 4, 'red');
  await engine.index({ paths: [path.join(dir, 'first')] });

  const pool = engine.embedder();
  const indexing = engine.index({ paths: [folder] });
  // Wait until the job has more index batches queued, behind the two its worker holds, than
  // could start once the query's embeddings are back (two).
  const deadline = Date.now() + 30_000;
  while (pool.queuedBatches < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  const queuedBefore = pool.queuedBatches;
  assert.ok(queuedBefore >= 4, `the job queued batches (${queuedBefore})`);

  const startedBefore = pool.startedBatches;
  const started = performance.now();
  const answer = await engine.search({ query: 'red', k: 5 });
  const ms = performance.now() - started;
  const queuedAtAnswer = pool.queuedBatches;
  const startedMeanwhile = pool.startedBatches - startedBefore;

  const job = engine.currentJob()?.progress();

  assert.ok(answer.results.length > 0, 'the query found the photos indexed before');
  // In one FIFO queue all the batches queued before the query would have started before it
  // (measured: 8 started meanwhile, the 6 queued and 2 after). In its own lane, only those
  // dispatched once its embeddings were back (2) start before the search returns.
  assert.ok(
    startedMeanwhile <= 2 && startedMeanwhile < queuedBefore,
    `${startedMeanwhile} index batches started while the query ran, of ${queuedBefore} queued before it (answered in ${ms.toFixed(0)} ms)`,
  );
  assert.ok(queuedAtAnswer > 0, `answered while ${queuedAtAnswer} index batches still waited`);
  assert.ok(job && job.state === 'running' && job.remaining > 0, `the job was still running (${job?.remaining} photos to go)`);

  const summary = await indexing;
  assert.equal(summary.counts.done, 160, 'indexing went on and finished after the query');
});

test('a worker that stops mid-request fails that request with a reason, and the next one gets a new worker', async (t) => {
  const dir = tempDir(t);
  const pool = new EmbedPool({ config: resolveModelConfig(testModelEnv(path.join(dir, 'models'))), size: 1, threads: 1 });
  t.after(() => pool.close());
  await pool.embedTexts(['warm up'], 'clip');
  const slots = (pool as unknown as { workers: { worker: Worker }[] }).workers;
  const asked = pool.embedTexts(['red'], 'clip');
  await slots[0]?.worker.terminate();
  await assert.rejects(asked, /An embedding worker stopped/);
  const [red] = await pool.embedTexts(['red'], 'clip');
  assert.equal(red?.length, 8, 'a new worker answered');
  const started = performance.now();
  await pool.close();
  assert.ok(performance.now() - started < 5000, 'closing does not wait for the stopped worker');
});
